// The maps of components/_map.html, drawn with Leaflet from each element's data attributes.
// Base layer: the tile server of MAP_TILE_URL, or with none Chongqing's district outlines (vendored
// GeoJSON), so that a map works on a closed network. Pins come from a JSON URL or a json_script element.
// In pick mode a click or tap places one pin and writes its latitude and longitude into two inputs.
(function () {
  "use strict";

  // A page with two maps includes the scripts twice: the first copy of this one draws them all, with
  // the Leaflet loaded before it (a second Leaflet's objects would not be the first's).
  if (window.banshiMaps || typeof window.L === "undefined") return;
  window.banshiMaps = true;
  var L = window.L;

  // Chongqing's extent, for a map on tiles before anything is drawn.
  var CHONGQING = [[28.16, 105.28], [32.21, 110.2]];
  var DIGITS = 6; // about 0.1 m: more than a pin needs, less than the inputs would show in full

  function number(value) {
    var parsed = parseFloat(value);
    return isFinite(parsed) ? parsed : null;
  }

  function status(el, text) {
    var box = el.querySelector(".map-status");
    if (!box) {
      box = document.createElement("p");
      box.className = "map-status";
      box.setAttribute("role", "status");
      el.appendChild(box);
    }
    box.textContent = text;
  }

  // Pins as [{lat, lng, title, url, status}] from a list of them or a GeoJSON FeatureCollection of points.
  function pinsOf(data) {
    var items = data && data.type === "FeatureCollection" ? data.features : data;
    if (!Array.isArray(items)) return [];
    return items
      .map(function (item) {
        if (item && item.type === "Feature") {
          var point = item.geometry && item.geometry.type === "Point" ? item.geometry.coordinates : [];
          var properties = item.properties || {};
          return {
            lat: number(point[1]),
            lng: number(point[0]),
            title: properties.title,
            url: properties.url,
            status: properties.status,
          };
        }
        return item && { lat: number(item.lat), lng: number(item.lng), title: item.title, url: item.url, status: item.status };
      })
      .filter(function (pin) {
        return pin && pin.lat !== null && pin.lng !== null;
      });
  }

  function popup(pin) {
    var box = document.createElement("div");
    var title = document.createTextNode(pin.title || "");
    if (pin.url && /^\/(?!\/)/.test(pin.url)) {
      var link = document.createElement("a");
      link.href = pin.url;
      link.appendChild(title);
      box.appendChild(link);
    } else {
      box.appendChild(title);
    }
    return box;
  }

  function drawPins(map, layer, data) {
    layer.clearLayers();
    pinsOf(data).forEach(function (pin) {
      var kind = String(pin.status || "").replace(/[^a-z0-9_-]/gi, "");
      var marker = L.circleMarker([pin.lat, pin.lng], {
        radius: 8,
        className: "map-pin" + (kind ? " map-pin-" + kind : ""),
      });
      if (pin.title) marker.bindPopup(popup(pin));
      layer.addLayer(marker);
    });
  }

  function loadPins(el, map) {
    var layer = L.featureGroup().addTo(map);
    var scriptId = el.dataset.pinsScript;
    if (scriptId) {
      var script = document.getElementById(scriptId);
      if (script) {
        try {
          drawPins(map, layer, JSON.parse(script.textContent));
        } catch (error) {
          status(el, el.dataset.textFailed);
        }
      }
    }
    if (el.dataset.pinsUrl) {
      fetch(el.dataset.pinsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          drawPins(map, layer, data);
          el.dataset.pins = String(layer.getLayers().length);
        })
        .catch(function () {
          status(el, el.dataset.textFailed);
        });
    } else {
      el.dataset.pins = String(layer.getLayers().length);
    }
  }

  function baseLayer(el, map) {
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, {
        attribution: el.dataset.tileAttribution || "",
        maxZoom: 18,
      }).addTo(map);
      map.fitBounds(CHONGQING);
      el.dataset.base = "tiles";
      return;
    }
    map.fitBounds(CHONGQING);
    el.dataset.base = "outlines";
    fetch(el.dataset.outlinesUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (outlines) {
        var layer = L.geoJSON(outlines, {
          style: function () {
            return { className: "map-outline" };
          },
          onEachFeature: function (feature, shape) {
            if (feature.properties && feature.properties.name) {
              shape.bindTooltip(feature.properties.name, { sticky: true });
            }
          },
        }).addTo(map);
                layer.bringToBack();
        map.fitBounds(layer.getBounds());
        el.dataset.outlines = String(layer.getLayers().length);
      })
      .catch(function (error) {
        console.error("map outlines: " + error);
        status(el, el.dataset.textFailed);
      });
  }

  function pickMode(el, map) {
    var latInput = document.getElementById(el.dataset.pickLat);
    var lngInput = document.getElementById(el.dataset.pickLng);
    if (!latInput || !lngInput) return;
    var icon = L.icon({
      iconUrl: el.dataset.iconUrl,
      iconRetinaUrl: el.dataset.iconRetinaUrl,
      shadowUrl: el.dataset.shadowUrl,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
    var marker = null;

    function place(latlng, write) {
      if (!marker) {
        marker = L.marker(latlng, { icon: icon, draggable: true, keyboard: true, title: el.dataset.textPicked });
        marker.on("dragend", function () {
          place(marker.getLatLng(), true);
        });
        marker.addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (write) {
        latInput.value = latlng.lat.toFixed(DIGITS);
        lngInput.value = latlng.lng.toFixed(DIGITS);
        [latInput, lngInput].forEach(function (input) {
          input.dispatchEvent(new Event("input", { bubbles: true }));
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
      }
      el.dataset.picked = "true";
    }

    function fromInputs() {
      var lat = number(latInput.value);
      var lng = number(lngInput.value);
      if (lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(L.latLng(lat, lng), false);
      }
    }

    map.on("click", function (event) {
      place(event.latlng, true);
    });
    latInput.addEventListener("change", fromInputs);
    lngInput.addEventListener("change", fromInputs);
    fromInputs();
  }

  function draw(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "true";
    var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });
    baseLayer(el, map);
    loadPins(el, map);
    if (el.dataset.pickLat && el.dataset.pickLng) pickMode(el, map);
    // A map drawn in a box that was hidden, or that a phone turned, measures itself again.
    window.addEventListener("resize", function () {
      map.invalidateSize();
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Maps in content htmx swaps in.
  document.addEventListener("htmx:afterSettle", drawAll);
})();
