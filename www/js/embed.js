// embed.html#figure=NAME: one figure filling the frame (for an <iframe> in a blog post).
import './stream-figure.js';

const params = new URLSearchParams(location.hash.replace(/^#/, ''));
const el = document.createElement('stream-figure');
el.setAttribute('figure', params.get('figure') || 'stations');
if (params.get('station')) el.setAttribute('station', params.get('station'));
document.querySelector('main').append(el);
el.addEventListener('ready', () => {
  document.documentElement.dataset.ready = 'true';
});
