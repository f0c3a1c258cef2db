// The directory map: neighbourhood boundaries (GeoJSON) and service markers on a plain
// background — no tile server, nothing loaded from outside. The data comes from a
// json_script tag named by the map's data-directory-map attribute; the list next to the
// map holds the same information.
(() => {
  function drawMap(element) {
    const source = document.getElementById(element.dataset.directoryMap);
    if (!source || element.dataset.mapReady) return;
    element.dataset.mapReady = "1";
    const data = JSON.parse(source.textContent);
    // The marker images by their collected (hashed) static URLs, given by the template.
    const icon = L.icon({
      iconUrl: element.dataset.markerIcon,
      iconRetinaUrl: element.dataset.markerIconRetina,
      shadowUrl: element.dataset.markerShadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
    const map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    const areas = L.geoJSON(
      data.neighbourhoods.map((area) => ({
        type: "Feature",
        properties: { name: area.name },
        geometry: area.boundary,
      })),
      { style: { color: "#0066cc", weight: 1, fillOpacity: 0.08 } },
    ).addTo(map);
    areas.eachLayer((layer) => layer.bindTooltip(layer.feature.properties.name));
    const markers = data.markers.map((marker) => {
      const link = document.createElement("a");
      link.href = marker.url;
      link.textContent = marker.title;
      const popup = document.createElement("div");
      popup.append(link, document.createElement("br"), marker.place);
      return L.marker([marker.lat, marker.lon], { icon, title: marker.title, alt: marker.title }).bindPopup(popup);
    });
    const group = L.featureGroup(markers).addTo(map);
    const bounds = markers.length ? group.getBounds() : areas.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.2), { maxZoom: 16 });
    } else {
      map.setView([44.035, 10.14], 13);
    }
  }

  function drawMaps(root) {
    if (typeof L === "undefined") return;
    root.querySelectorAll("[data-directory-map]").forEach(drawMap);
  }

  document.addEventListener("DOMContentLoaded", () => drawMaps(document));
  // Results re-rendered by htmx bring a new map element.
  document.addEventListener("htmx:afterSettle", (event) => drawMaps(event.target));
})();
