// Bootstrap Italia loads its fonts from this path; set here so no inline script is needed (strict CSP).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
// Bootstrap Italia bundles video.js, which otherwise injects <style> elements that a strict CSP blocks.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
