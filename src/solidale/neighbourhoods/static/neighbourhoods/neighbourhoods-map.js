// Maps of the neighbourhoods app: boundaries (GeoJSON) and markers on a plain background
// (no tile server). Data comes from the json_script tag named by data-nb-map. On the
// report form (data-nb-pick), a click or a keyboard-free fallback (the address field)
// sets the position: the pin writes the hidden latitude/longitude inputs.
(() => {
  function icon(element) {
    return L.icon({
      iconUrl: element.dataset.markerIcon,
      iconRetinaUrl: element.dataset.markerIconRetina,
      shadowUrl: element.dataset.markerShadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
  }

  function drawMap(element) {
    const source = document.getElementById(element.dataset.nbMap);
    if (!source || element.dataset.mapReady) return;
    element.dataset.mapReady = "1";
    const data = JSON.parse(source.textContent);
    const pin = icon(element);
    const map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    const areas = L.geoJSON(
      data.neighbourhoods.map((area) => ({
        type: "Feature",
        properties: { name: area.name, url: area.url },
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
      popup.append(link, document.createElement("br"), marker.place || "");
      return L.marker([marker.lat, marker.lon], { icon: pin, title: marker.title, alt: marker.title }).bindPopup(popup);
    });
    const group = L.featureGroup(markers).addTo(map);
    const bounds = markers.length ? group.getBounds() : areas.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.2), { maxZoom: 16 });
    } else {
      map.setView([44.035, 10.14], 13);
    }
    if (element.dataset.nbPick) {
      const lat = document.getElementById(element.dataset.nbLat);
      const lon = document.getElementById(element.dataset.nbLon);
      const status = document.getElementById(element.dataset.nbStatus);
      let chosen = null;
      map.on("click", (event) => {
        const { lat: y, lng: x } = event.latlng;
        lat.value = y.toFixed(6);
        lon.value = x.toFixed(6);
        if (chosen) chosen.setLatLng(event.latlng);
        else chosen = L.marker(event.latlng, { icon: pin, alt: status.dataset.label }).addTo(map);
        status.textContent = `${status.dataset.label}: ${lat.value}, ${lon.value}`;
      });
    }
  }

  function drawMaps(root) {
    if (typeof L === "undefined") return;
    root.querySelectorAll("[data-nb-map]").forEach(drawMap);
  }

  document.addEventListener("DOMContentLoaded", () => drawMaps(document));
})();
