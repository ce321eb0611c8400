// The drawing canvas: pointer input (mouse, pen, touch), undo and clear.
//
// A DrawingInput owns one <canvas>. It keeps the drawing as a list of strokes (points in
// units of the canvas side, so a resize of the bitmap keeps the drawing) and dispatches one
// event type, "drawingchange", whenever the pixels change: while a stroke is drawn, when it
// ends, on undo and on clear. It knows nothing about the model.

const INK = '#000';
const PAPER = '#fff';

export class DrawingInput extends EventTarget {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{undoButton?: HTMLButtonElement, clearButton?: HTMLButtonElement}} [controls]
   */
  constructor(canvas, { undoButton, clearButton } = {}) {
    super();
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.undoButton = undoButton;
    this.clearButton = clearButton;
    /** @type {Array<Array<[number, number]>>} strokes, each a list of [x, y] in [0, 1] */
    this.strokes = [];
    /** @type {Array<Array<Array<[number, number]>>>} earlier stroke lists, for undo */
    this.history = [];
    this.active = null; // { id, points } while a pointer is down

    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#up(e));
    canvas.addEventListener('lostpointercapture', (e) => this.#up(e));
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    undoButton?.addEventListener('click', () => this.undo());
    clearButton?.addEventListener('click', () => this.clear());

    this.redraw();
    this.#updateButtons();
  }

  /** True when nothing is drawn. */
  get empty() {
    return this.strokes.length === 0 && !this.active;
  }

  /** Stroke width in canvas pixels: about 1/40 of the side. */
  get lineWidth() {
    return Math.max(1, Math.min(this.canvas.width, this.canvas.height) / 40);
  }

  undo() {
    if (this.active || this.history.length === 0) return;
    this.strokes = this.history.pop();
    this.redraw();
    this.#changed('undo');
  }

  clear() {
    if (this.active || this.strokes.length === 0) return;
    this.history.push(this.strokes);
    this.strokes = [];
    this.redraw();
    this.#changed('clear');
  }

  /** Paint the whole drawing again from the stroke list. */
  redraw() {
    const { ctx, canvas } = this;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    for (const points of this.strokes) this.#paintStroke(points);
    if (this.active) this.#paintStroke(this.active.points);
  }

  #point(e) {
    const r = this.canvas.getBoundingClientRect();
    const x = (e.clientX - r.left) / Math.max(1, r.width);
    const y = (e.clientY - r.top) / Math.max(1, r.height);
    return [Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y))];
  }

  #down(e) {
    if (this.active) return; // one stroke at a time; a second finger is ignored
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault();
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch {
      // synthetic or already-released pointers cannot be captured; drawing still works
    }
    this.active = { id: e.pointerId, points: [this.#point(e)] };
    this.#paintStroke(this.active.points);
    this.#changed('draw');
  }

  #move(e) {
    if (!this.active || e.pointerId !== this.active.id) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    const points = this.active.points;
    const from = points.length - 1;
    for (const c of events.length ? events : [e]) points.push(this.#point(c));
    this.#paintSegment(points, from);
    this.#changed('draw');
  }

  #up(e) {
    if (!this.active || e.pointerId !== this.active.id) return;
    const { points } = this.active;
    this.active = null;
    this.history.push(this.strokes);
    this.strokes = [...this.strokes, points];
    // Paint the finished drawing from its strokes, so that the same strokes always give the
    // same pixels (after undo, too), whatever the pieces it was drawn in.
    this.redraw();
    this.#changed('stroke');
  }

  #style() {
    const { ctx } = this;
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = this.lineWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  }

  #paintStroke(points) {
    if (points.length === 1) {
      const { ctx, canvas } = this;
      this.#style();
      ctx.beginPath();
      ctx.arc(points[0][0] * canvas.width, points[0][1] * canvas.height, this.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    this.#paintSegment(points, 0);
  }

  /** Paint the polyline from points[from] to the last point. */
  #paintSegment(points, from) {
    const { ctx, canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    this.#style();
    ctx.beginPath();
    ctx.moveTo(points[from][0] * w, points[from][1] * h);
    for (let i = from + 1; i < points.length; i++) ctx.lineTo(points[i][0] * w, points[i][1] * h);
    ctx.stroke();
  }

  #updateButtons() {
    if (this.undoButton) this.undoButton.disabled = this.history.length === 0;
    if (this.clearButton) this.clearButton.disabled = this.strokes.length === 0;
  }

  #changed(reason) {
    this.#updateButtons();
    this.dispatchEvent(new CustomEvent('drawingchange', { detail: { reason } }));
  }
}
