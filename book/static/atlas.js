// The kink atlas's filters (lossedu.atlas.page): by framework, by family, and "only where the
// chosen frameworks disagree". Runs offline; on pages without the atlas it does nothing.
document.addEventListener("DOMContentLoaded", () => {
  const atlas = document.querySelector("div.atlas");
  if (!atlas) return;
  const form = atlas.querySelector("form.atlas-filters");
  const entries = [...atlas.querySelectorAll("article.atlas-entry")];

  function update() {
    const chosen = new Set([...form.querySelectorAll("input[name=framework]:checked")]
      .map((box) => box.value));
    const family = form.elements.family.value;
    const onlyDisagreeing = form.elements.disagree.checked;
    let shown = 0;
    for (const entry of entries) {
      const answers = new Set();
      for (const item of entry.querySelectorAll("li[data-framework]")) {
        const visible = chosen.has(item.dataset.framework);
        item.hidden = !visible;
        if (visible && item.dataset.answer) answers.add(item.dataset.answer);
      }
      const visible = (!family || entry.dataset.family === family)
        && (!onlyDisagreeing || answers.size > 1);
      entry.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const section of atlas.querySelectorAll("section.atlas-family")) {
      section.hidden = !section.querySelector("article.atlas-entry:not([hidden])");
    }
    form.elements.count.value = `${shown} of ${entries.length} entries shown`;
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => event.preventDefault());
  update();
});
