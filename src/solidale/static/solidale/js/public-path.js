// Bootstrap Italia loads its fonts from this path; set here so no inline script is needed (strict CSP).
window.__PUBLIC_PATH__ = document.currentScript.dataset.fonts;
