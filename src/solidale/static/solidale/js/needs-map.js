// The needs board map: neighbourhoods coloured by the number of open needs (a
// choropleth) on a plain background — no tile server, nothing loaded from outside. The
// GeoJSON comes from the json_script tag named by the element's data-needs-map
// attribute; the list and the table next to the map hold the same information.
(() => {
  const SHADES = ["#e6f0fa", "#b3d1f0", "#66a3e0", "#1a75d1", "#004d99"];

  function shade(count, max) {
    if (!count) return SHADES[0];
    const step = Math.min(SHADES.length - 1, Math.ceil((count / max) * (SHADES.length - 1)));
    return SHADES[step];
  }

  function drawMap(element) {
    const source = document.getElementById(element.dataset.needsMap);
    if (!source || element.dataset.mapReady) return;
    element.dataset.mapReady = "1";
    const data = JSON.parse(source.textContent);
    const max = Math.max(1, ...data.features.map((feature) => feature.properties.needs));
    const map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    const areas = L.geoJSON(data, {
      style: (feature) => ({
        color: "#003366",
        weight: 1,
        fillColor: shade(feature.properties.needs, max),
        fillOpacity: 0.7,
      }),
      onEachFeature: (feature, layer) => {
        const label = `${feature.properties.name}: ${feature.properties.needs}`;
        layer.bindTooltip(label);
      },
    }).addTo(map);
    const bounds = areas.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.1), { maxZoom: 15 });
    } else {
      map.setView([44.035, 10.14], 12);
    }
  }

  function drawMaps(root) {
    if (typeof L === "undefined") return;
    root.querySelectorAll("[data-needs-map]").forEach(drawMap);
  }

  document.addEventListener("DOMContentLoaded", () => drawMaps(document));
  document.addEventListener("htmx:afterSettle", (event) => drawMaps(event.target));
})();
