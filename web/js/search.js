// Find a district by name from the keyboard: a text field with the names as suggestions; picking
// one zooms to it and opens its history.

export class DistrictSearch {
  /**
   * @param {L.Map} map
   * @param {import('./map-layer.js').DistrictLayer} districts
   * @param {(id: string) => void} onPick
   */
  constructor(map, districts, onPick) {
    this.input = document.getElementById('search');
    const list = document.getElementById('district-names');
    const bySearchName = new Map();
    districts.names.forEach((name, slot) => bySearchName.set(name.toLowerCase(), slot));
    list.innerHTML = '';
    for (const name of [...districts.names].sort()) {
      const option = document.createElement('option');
      option.value = name;
      list.append(option);
    }
    this.input.addEventListener('change', () => {
      const slot = bySearchName.get(this.input.value.trim().toLowerCase());
      if (slot === undefined) return;
      map.fitBounds(districts.layers[slot].getBounds(), { maxZoom: 15, animate: false });
      onPick(districts.ids[slot]);
      this.input.value = '';
    });
  }
}
