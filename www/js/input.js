// The drawing canvas: pointer input (mouse, pen, touch), undo and clear.
//
// A DrawingInput owns one <canvas>. It keeps the picture as an optional background image (a
// preset, an uploaded photo, a webcam frame), painted letterboxed on white, plus a list of
// strokes drawn over it (points in units of the canvas side, so a resize of the bitmap keeps
// the drawing). It dispatches one event type, "drawingchange", whenever the pixels change:
// while a stroke is drawn, when it ends, on undo, on clear and when the background changes.
// It knows nothing about the model. What the model reads is modelCanvas(): the paper itself
// when there is no background image, otherwise the image at its own size and aspect ratio with
// the strokes drawn over it. The core letterboxes that by its one rule (src/input.rs), the
// same rule the command line uses, so an uploaded photo gives the page and the command line
// the same retina image; the white around a photo on the paper is only for the reader's eye.

const INK = '#000';
/** Undo steps kept: a long session must not keep every picture it ever had. */
const MAX_HISTORY = 100;
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
    /** @type {null | {image: CanvasImageSource, width: number, height: number, smooth: boolean}} */
    this.background = null;
    /** earlier pictures ({strokes, background}), for undo */
    this.history = [];
    this.active = null; // { id, points } while a pointer is down
    /** the image-sized canvas modelCanvas() paints into (made on first use) */
    this.source = null;

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
    return this.strokes.length === 0 && !this.active && !this.background;
  }

  #snapshot() {
    return { strokes: this.strokes, background: this.background };
  }

  #remember() {
    this.history.push(this.#snapshot());
    if (this.history.length > MAX_HISTORY) this.history.splice(0, this.history.length - MAX_HISTORY);
  }

  /**
   * Replace the picture with an image (the strokes go; undo brings them back).
   * @param {CanvasImageSource} image
   * @param {{width?: number, height?: number, smooth?: boolean, record?: boolean}} [opts]
   *   record: false for a live source (webcam frames) that should not fill the undo history.
   */
  setBackground(image, { width, height, smooth = true, record = true } = {}) {
    if (this.active) return;
    // A video's width and height are its attributes (0 when unset), not its frame's size.
    const natural =
      image instanceof HTMLVideoElement
        ? { width: image.videoWidth, height: image.videoHeight }
        : /** @type {{width?: unknown, height?: unknown}} */ (image);
    const w = width ?? Number(natural.width);
    const h = height ?? Number(natural.height);
    if (!(w > 0 && h > 0)) return;
    if (record) this.#remember();
    this.background = { image, width: w, height: h, smooth };
    if (record) this.strokes = [];
    this.redraw();
    this.#changed(record ? 'background' : 'live');
  }

  /** The strokes, for saving in the URL. */
  getStrokes() {
    return this.strokes.map((points) => points.slice());
  }

  /** Replace the strokes (from the URL), keeping the background. */
  setStrokes(strokes) {
    if (this.active) return;
    this.#remember();
    this.strokes = strokes;
    this.redraw();
    this.#changed('restore');
  }

  /** Stroke width in canvas pixels: about 1/40 of the side. */
  get lineWidth() {
    return Math.max(1, Math.min(this.canvas.width, this.canvas.height) / 40);
  }

  undo() {
    if (this.active || this.history.length === 0) return;
    const last = this.history.pop();
    this.strokes = last.strokes;
    this.background = last.background;
    this.redraw();
    this.#changed('undo');
  }

  clear() {
    if (this.active || (this.strokes.length === 0 && !this.background)) return;
    this.#remember();
    this.strokes = [];
    this.background = null;
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
    const bg = this.background;
    if (bg) {
      // Letterboxed: the whole image, centred, aspect ratio kept.
      const k = Math.min(canvas.width / bg.width, canvas.height / bg.height);
      const w = bg.width * k;
      const h = bg.height * k;
      ctx.imageSmoothingEnabled = bg.smooth;
      ctx.drawImage(bg.image, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
    }
    ctx.restore();
    for (const points of this.strokes) this.#paintStroke(points);
    if (this.active) this.#paintStroke(this.active.points);
  }

  /**
   * The pixels the model should read: the paper when there is no background; otherwise the
   * background at its own size (no white paper around it) with the strokes over it, mapped
   * from the paper's coordinates into the image's.
   * @returns {HTMLCanvasElement}
   */
  modelCanvas() {
    const bg = this.background;
    if (!bg) return this.canvas;
    const w = Math.max(1, Math.round(bg.width));
    const h = Math.max(1, Math.round(bg.height));
    if (!this.source) this.source = document.createElement('canvas');
    const c = this.source;
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = bg.smooth;
    ctx.drawImage(bg.image, 0, 0, w, h);
    const strokes = this.active ? [...this.strokes, this.active.points] : this.strokes;
    if (strokes.length) {
      // Paper pixel (px, py) shows image pixel ((px - left) / k, (py - top) / k).
      const { canvas } = this;
      const k = Math.min(canvas.width / w, canvas.height / h);
      const left = (canvas.width - w * k) / 2;
      const top = (canvas.height - h * k) / 2;
      ctx.setTransform(1 / k, 0, 0, 1 / k, -left / k, -top / k);
      for (const points of strokes) this.#paintStroke(points, ctx);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
    return c;
  }

  /** @returns {[number, number]} where the pointer is, in units of the canvas side */
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
    this.#remember();
    this.strokes = [...this.strokes, points];
    // Paint the finished drawing from its strokes, so that the same strokes always give the
    // same pixels (after undo, too), whatever the pieces it was drawn in.
    this.redraw();
    this.#changed('stroke');
  }

  #style(ctx = this.ctx) {
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = this.lineWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
  }

  #paintStroke(points, ctx = this.ctx) {
    if (points.length === 1) {
      const { canvas } = this;
      this.#style(ctx);
      ctx.beginPath();
      ctx.arc(points[0][0] * canvas.width, points[0][1] * canvas.height, this.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    this.#paintSegment(points, 0, ctx);
  }

  /** Paint the polyline from points[from] to the last point (in paper pixels, on ctx). */
  #paintSegment(points, from, ctx = this.ctx) {
    const { canvas } = this;
    const w = canvas.width;
    const h = canvas.height;
    this.#style(ctx);
    ctx.beginPath();
    ctx.moveTo(points[from][0] * w, points[from][1] * h);
    for (let i = from + 1; i < points.length; i++) ctx.lineTo(points[i][0] * w, points[i][1] * h);
    ctx.stroke();
  }

  #updateButtons() {
    if (this.undoButton) this.undoButton.disabled = this.history.length === 0;
    if (this.clearButton) this.clearButton.disabled = this.strokes.length === 0 && !this.background;
  }

  #changed(reason) {
    this.#updateButtons();
    this.dispatchEvent(new CustomEvent('drawingchange', { detail: { reason } }));
  }
}
