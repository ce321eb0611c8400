// The live figures by name: what each embeds as, and how to mount it into an empty element.

import { mountPipeline } from './pipeline.js';
import { mountMicrocircuit } from './microcircuit.js';
import { mountWirings } from './wirings.js';
import { mountStream } from './stream.js';
import { mountLesions } from './lesions.js';
import { mountGallery } from './gallery.js';
import { mountLab } from '../lab/mount.js';

/** name → {title, caption (what to look for), mount(root, app, opts)} */
export const FIGURES = {
  input: {
    title: 'Your input and what the retina sends',
    caption: 'Draw, pick a preset, drop an image or use the webcam; under the paper, each wiring says what it sees. The LGN’s bottom row holds edge cells, before any cortex.',
    mount: null, // the input panel itself
  },
  pipeline: {
    title: 'The stations in a row',
    caption: 'Each station shown by what it passes on, the maps shrinking as the stations pool. Switch the wiring: in the hierarchy, each picture is all the next station gets.',
    mount: mountPipeline,
  },
  microcircuit: {
    title: 'One station’s microcircuit',
    caption: 'L4 reads, L2/3 computes, L5 writes; in the stream, what arrives also reaches L5. Hover over, tap or focus a unit for its receptive field and for how much its station reads from each earlier one.',
    mount: mountMicrocircuit,
  },
  stations: {
    title: 'Both wirings on the same input',
    caption: 'The same four stations on the same input, wired two ways: in the stream each L5 map is the input plus every write so far, in the hierarchy the last write alone. The curve under the maps says how much of your input each L5 still carries.',
    mount: mountWirings,
  },
  stream: {
    title: 'The stream as a stack of writes',
    caption: 'Each station adds a signed write to the stream (blue below baseline, red above), and the category score splits exactly into the bars beside the stack: look for the station that does most of the work on your input.',
    mount: mountStream,
  },
  lesions: {
    title: 'Remove a station',
    caption: 'Switch stations off (each is bypassed) and compare your picture’s answer with the accuracy on held-out sketches under the same lesion, which one picture cannot show.',
    mount: mountLesions,
  },
  gallery: {
    title: 'What the model learned from',
    caption: 'Samples of every kind of stimulus the model was trained or tested on, from lines to faces, edges and noise; choose one to make it the input.',
    mount: mountGallery,
  },
  lab: {
    title: 'Train the stream yourself',
    caption: 'Choose a wiring, how its stations read and write, a stream width, the edge task and a pressure on the writes, and train the whole model here. Once trained, each run shows how it uses its stream and what it deletes; make it the page’s model, or download it.',
    mount: mountLab,
  },
};

export const FIGURE_NAMES = Object.keys(FIGURES);
