() => {
  // Every rendered element against its parent, horizontally (1 px of rounding);
  // tests/browser/test_phone_layout.py says what it skips and why.
  const out = [], reported = new Set(), hidden = new Set();
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const path = el => { const p = []; for (let e = el; e && e !== document.body && p.length < 4; e = e.parentElement) p.unshift(name(e)); return p.join(' > '); };
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length || !el.checkVisibility({visibilityProperty: true})) continue;
    if (el.matches('.scroll-x') && el.scrollWidth > el.clientWidth && !(el.tabIndex === 0 && el.getAttribute('role') === 'region'))
      out.push(`${path(el)}: scrolls, but is not a focusable, named region`);
    if (el.closest('.sr-only, .skip-link, svg *, .scroll-x, .item-grid, .q-figure-scroll, math')) continue;
    if (reported.has(el.parentElement)) { reported.add(el); continue; }  // its container was reported
    const style = getComputedStyle(el);
    // Visually hidden and clipped (a stacked table's header row on a phone), and all inside it.
    if (hidden.has(el.parentElement) || style.clip === 'rect(0px, 0px, 0px, 0px)') { hidden.add(el); continue; }
    if (style.position === 'absolute' || style.position === 'fixed') continue;
    const parent = el.parentElement;
    if (!parent || parent === document.documentElement) continue;
    const r = el.getBoundingClientRect(), p = parent.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < p.left - 1 || r.right > p.right + 1 || r.right > window.innerWidth + 1)
      { out.push(`${path(el)}: ${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(p.left)}–${Math.round(p.right)}`); reported.add(el); }
  }
  if (document.documentElement.scrollWidth > window.innerWidth)
    out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`);
  return out.slice(-12);
}
