// The choropleth of the dashboards: neighbourhood boundaries coloured by the chosen
// indicator (five classes), drawn with the vendored Leaflet on a plain background (no tile
// server). The data comes from the json_script tag named by data-insights-map; the table
// next to the map holds the same figures.
(() => {
  const COLOURS = ["#f0f0f0", "#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];

  function classOf(value, max) {
    if (!value) return 0;
    return Math.min(5, 1 + Math.floor((5 * value - 1) / Math.max(max, 1)));
  }

  function drawMap(element) {
    const source = document.getElementById(element.dataset.insightsMap);
    if (!source || element.dataset.mapReady || typeof L === "undefined") return;
    element.dataset.mapReady = "1";
    const data = JSON.parse(source.textContent);
    const max = Math.max(0, ...data.areas.map((area) => area.value || 0));
    const map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    const layer = L.geoJSON(
      data.areas
        .filter((area) => area.boundary && area.boundary.type)
        .map((area) => ({ type: "Feature", properties: area, geometry: area.boundary })),
      {
        style: (feature) => ({
          color: "#1a1a1a",
          weight: 1,
          fillOpacity: 0.75,
          fillColor: COLOURS[classOf(feature.properties.value, max)],
        }),
      },
    ).addTo(map);
    layer.eachLayer((shape) => {
      const area = shape.feature.properties;
      const shown = area.value === null ? "<5" : String(area.value);
      shape.bindTooltip(`${area.name}: ${shown}`);
      shape.on("click", () => { window.location.href = area.url; });
    });
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.05));
    else map.setView([44.035, 10.14], 12);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-insights-map]").forEach(drawMap);
  });
})();
