// The round map: the kitchen and each vehicle's stops in order, on a plain background
// (no tile server). The numbered stops match the round sheet below the map.
(() => {
  const COLOURS = ["#0066cc", "#008055", "#cc334d", "#995c00", "#5c2d91", "#00758a"];

  function draw(element) {
    const source = document.getElementById(element.dataset.roundMap);
    if (!source || typeof L === "undefined") return;
    const data = JSON.parse(source.textContent);
    const map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    const kitchen = L.circleMarker(data.kitchen, { radius: 9, color: "#17324d", fillOpacity: 0.9 });
    const layers = [kitchen.bindTooltip("Cucina")];
    data.routes.forEach((route, index) => {
      const colour = COLOURS[index % COLOURS.length];
      const path = [data.kitchen, ...route.map((stop) => [stop[0], stop[1]]), data.kitchen];
      layers.push(L.polyline(path, { color: colour, weight: 3 }));
      route.forEach((stop) => {
        layers.push(
          L.circleMarker([stop[0], stop[1]], { radius: 6, color: colour, fillOpacity: 0.8 })
            .bindTooltip(`${index + 1}.${stop[2]}`, { permanent: true, direction: "right" }),
        );
      });
    });
    const group = L.featureGroup(layers).addTo(map);
    map.fitBounds(group.getBounds().pad(0.15));
  }

  function setUp() {
    document.querySelectorAll("[data-round-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
