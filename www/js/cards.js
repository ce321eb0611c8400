// Hover cards for citations and footnotes: a link to "#ref-…" or "#fn-…" shows, on hover or
// keyboard focus, a card with the entry it points to (copied from the bibliography or the
// notes). Escape closes it; the link still jumps to the entry when followed.

export function installCards(doc = document) {
  const card = doc.createElement('div');
  card.className = 'hover-card';
  card.id = 'hover-card';
  card.setAttribute('role', 'tooltip');
  card.hidden = true;
  doc.body.append(card);
  let owner = null;

  const show = (link) => {
    const id = decodeURIComponent(link.getAttribute('href').slice(1));
    const target = doc.getElementById(id);
    if (!target) return;
    card.replaceChildren(...[...target.childNodes].map((n) => n.cloneNode(true)));
    for (const el of card.querySelectorAll('[id]')) el.removeAttribute('id');
    for (const el of card.querySelectorAll('a.fn-back')) el.remove();
    card.hidden = false;
    owner = link;
    link.setAttribute('aria-describedby', card.id);
    const r = link.getBoundingClientRect();
    const width = Math.min(360, doc.documentElement.clientWidth - 16);
    const left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + doc.documentElement.clientWidth - width - 8));
    card.style.width = `${width}px`;
    card.style.left = `${left}px`;
    card.style.top = `${r.bottom + window.scrollY + 6}px`;
  };
  const hide = () => {
    if (owner) owner.removeAttribute('aria-describedby');
    owner = null;
    card.hidden = true;
  };
  const linkOf = (e) => e.target instanceof Element && e.target.closest('a.cite, a.fn-ref');
  doc.addEventListener('pointerover', (e) => {
    const link = linkOf(e);
    if (link && link !== owner) show(link);
  });
  doc.addEventListener('pointerout', (e) => {
    const link = linkOf(e);
    if (link && link === owner && !(e.relatedTarget instanceof Node && card.contains(e.relatedTarget))) hide();
  });
  doc.addEventListener('focusin', (e) => {
    const link = linkOf(e);
    if (link) show(link);
    else if (owner) hide();
  });
  doc.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && owner) hide();
  });
}
