// The map of tonight's encounters and of the season's hot spots (counts per grid cell,
// no names), on a plain background: nothing is loaded from outside. The tables below
// the map hold the same information.
(() => {
  function drawMap(element) {
    const source = document.getElementById(element.dataset.shelterMap);
    if (!source || typeof L === "undefined") return;
    const data = JSON.parse(source.textContent);
    const map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    const layers = [];
    data.spots.forEach((spot) => {
      layers.push(
        L.circle([spot.lat, spot.lon], { radius: 120 + 40 * spot.count, color: "#cc334d", weight: 1, fillOpacity: 0.25 })
          .bindTooltip(`${spot.count}`),
      );
    });
    data.tonight.forEach((row) => {
      layers.push(L.circleMarker([row.lat, row.lon], { radius: 7, color: "#0066cc", fillOpacity: 0.8 }).bindTooltip(`${row.time} ${row.title}`));
    });
    data.facilities.forEach((facility) => {
      layers.push(L.circleMarker([facility.lat, facility.lon], { radius: 6, color: "#008055", fillOpacity: 0.9 }).bindTooltip(facility.title));
    });
    const group = L.featureGroup(layers).addTo(map);
    const bounds = layers.length ? group.getBounds() : null;
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds.pad(0.2), { maxZoom: 16 });
    } else {
      map.setView([44.035, 10.14], 13);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-shelter-map]").forEach(drawMap);
  });
})();
