// The encounter form on a phone: the position from the GPS or a pin on the map, a draft
// kept on the device while the form is being filled (so nothing is lost if sending
// fails), and a small offline queue: a form submitted without a connection is kept and
// sent again, with the same key, as soon as the connection is back. The key makes a
// resent form harmless: the server answers with the encounter already saved.
(() => {
  const QUEUE = "solidale.shelter.queue";

  // The messages come translated from the page (data-text-* on the status box).
  function status(key) {
    const box = document.getElementById("outreach-status");
    if (box) box.textContent = box.dataset[key] || "";
  }

  function readQueue() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || "[]");
    } catch (error) {
      return [];
    }
  }

  function writeQueue(items) {
    localStorage.setItem(QUEUE, JSON.stringify(items));
  }

  function fields(form) {
    return Array.from(new FormData(form).entries());
  }

  function draftKey(form) {
    return `solidale.shelter.draft.${form.dataset.round}`;
  }

  function saveDraft(form) {
    localStorage.setItem(draftKey(form), JSON.stringify(fields(form)));
  }

  function restoreDraft(form) {
    const raw = localStorage.getItem(draftKey(form));
    if (!raw) return;
    const saved = JSON.parse(raw);
    const key = saved.find(([name]) => name === "key");
    if (key && form.dataset.saved === key[1]) {
      localStorage.removeItem(draftKey(form));
      return;
    }
    if (form.querySelector(".invalid-feedback")) return; // the server's answer wins
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach((box) => {
      box.checked = false;
    });
    for (const [name, value] of saved) {
      if (name === "csrfmiddlewaretoken") continue;
      form.querySelectorAll(`[name="${name}"]`).forEach((input) => {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.value === value) input.checked = true;
        } else {
          input.value = value;
        }
      });
    }
    status("textRestored");
  }

  async function flush() {
    const items = readQueue();
    if (!items.length || !navigator.onLine) return;
    const left = [];
    for (const item of items) {
      const body = new URLSearchParams(item.fields);
      try {
        const response = await fetch(item.action, { method: "POST", body, credentials: "same-origin" });
        if (response.status >= 500) left.push(item);
      } catch (error) {
        left.push(item);
      }
    }
    writeQueue(left);
    if (!left.length) status("textFlushed");
  }

  function setPosition(form, lat, lon, marker) {
    form.querySelector("[name=latitude]").value = lat.toFixed(6);
    form.querySelector("[name=longitude]").value = lon.toFixed(6);
    if (marker) marker.setLatLng([lat, lon]);
    saveDraft(form);
  }

  function pickMap(form) {
    const element = form.querySelector("[data-pick-map]");
    if (!element || typeof L === "undefined") return null;
    const map = L.map(element, { attributionControl: false });
    map.setView([44.035, 10.14], 14);
    const icon = L.icon({
      iconUrl: element.dataset.markerIcon,
      shadowUrl: element.dataset.markerShadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
    });
    const marker = L.marker([44.035, 10.14], { icon, keyboard: false });
    map.on("click", (event) => {
      marker.addTo(map);
      setPosition(form, event.latlng.lat, event.latlng.lng, marker);
    });
    return { map, marker };
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("encounter-form");
    flush();
    window.addEventListener("online", flush);
    if (!form) return;
    restoreDraft(form);
    const picker = pickMap(form);
    form.addEventListener("input", () => saveDraft(form));
    form.addEventListener("change", () => saveDraft(form));
    const locate = form.querySelector("[data-locate]");
    const useGps = () => {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(
        (where) => {
          setPosition(form, where.coords.latitude, where.coords.longitude, picker && picker.marker);
          if (picker) {
            picker.marker.addTo(picker.map);
            picker.map.setView([where.coords.latitude, where.coords.longitude], 16);
          }
        },
        () => status("textNoPosition"),
        { enableHighAccuracy: true, timeout: 10000 },
      );
    };
    if (locate) locate.addEventListener("click", useGps);
    if (!form.querySelector("[name=latitude]").value) useGps();
    form.addEventListener("submit", (event) => {
      saveDraft(form);
      if (navigator.onLine) return;
      event.preventDefault();
      const items = readQueue();
      items.push({ action: form.action || window.location.href, fields: fields(form) });
      writeQueue(items);
      localStorage.removeItem(draftKey(form));
      status("textQueued");
    });
  });
})();
