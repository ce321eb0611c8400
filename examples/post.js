// The host page's side of the API: every live <stream-figure> says when the model's answer in
// words changes (the event `answerchange`, detail {stream, hierarchy}, each {kind, behaviour,
// recognised}); this post writes it into a sentence of its own.

const reading = document.querySelector('[data-role="reading"]');
const input = document.querySelector('stream-figure[figure="input"]');

function say(answer) {
  if (!reading || !answer) return;
  const words = (w) => (answer[w].recognised ? `a ${answer[w].kind}, and so: ${answer[w].behaviour}` : 'none of the kinds it knows');
  reading.textContent = `The stream wiring sees ${words('stream')}; the hierarchy sees ${words('hierarchy')}.`;
}

input?.addEventListener('answerchange', (e) => say(e.detail));
// An answer given before this script ran is kept on the element.
say(input?.answer);
