// Counter page: optional camera scanning of the card's QR code with the browser's
// BarcodeDetector API (progressive enhancement: without it the page works with the
// keyboard, a USB/hand scanner typing into the code field, or the phone's own camera
// app, since the QR code holds the card's counter URL).
(() => {
  function codeFrom(value) {
    const text = value.trim();
    const match = text.match(/\/c\/([A-Za-z0-9]+)\/?$/);
    return (match ? match[1] : text).toUpperCase();
  }

  async function start(form) {
    const box = form.querySelector("[data-camera]");
    const video = form.querySelector("[data-camera-video]");
    const status = form.querySelector("[data-camera-status]");
    const input = form.querySelector("input[name=code]");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (error) {
      status.textContent = error.message;
      box.hidden = false;
      return;
    }
    box.hidden = false;
    video.srcObject = stream;
    await video.play();
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const tick = async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        stream.getTracks().forEach((track) => track.stop());
        input.value = codeFrom(codes[0].rawValue);
        form.submit();
        return;
      }
      window.requestAnimationFrame(tick);
    };
    window.requestAnimationFrame(tick);
  }

  function setUp() {
    const form = document.querySelector("[data-counter-form]");
    if (!form) return;
    const input = form.querySelector("input[name=code]");
    form.addEventListener("submit", () => {
      input.value = codeFrom(input.value);
    });
    const button = form.querySelector("[data-camera-start]");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", () => start(form));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
