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
    caption: 'Draw, pick a preset, drop an image or switch on the webcam. The retina adapts to the light and the LGN passes on eight channels; look for the bottom row of four: edge cells, before any cortex.',
    mount: null, // the input panel itself
  },
  pipeline: {
    title: 'The stations in a row',
    caption: 'Retina, LGN, V1, V2, V4 and IT, each shown by what it passes on. The maps shrink from 32×32 to 4×4 as the stations pool. Switch the wiring: in the hierarchy each picture is all the next station gets.',
    mount: mountPipeline,
  },
  microcircuit: {
    title: 'One station’s microcircuit',
    caption: 'L4 reads, L2/3 computes, L5 writes. In the stream wiring what arrives also reaches L5 and is added to the write, as the thalamic input reaches layer 5. Hover over or focus a unit for its receptive field and for how much its station reads from each earlier one.',
    mount: mountMicrocircuit,
  },
  stations: {
    title: 'Both wirings on the same input',
    caption: 'The same four stations, wired two ways. Look at L5: in the stream it still carries the shape of the input at IT; in the hierarchy it carries only what the last station made of it.',
    mount: mountWirings,
  },
  stream: {
    title: 'The stream as a stack of writes',
    caption: 'Each station adds a signed write (blue below baseline, red above) to the stream. Because everything after the stream is linear, the category score is exactly the sum of the bars beside the stack: look for which station does most of the work on your input.',
    mount: mountStream,
  },
  lesions: {
    title: 'Remove a station',
    caption: 'Switch a station off and watch the behaviour. In the stream the other paths still carry information to the end; in the hierarchy a removed station cuts the only road.',
    mount: mountLesions,
  },
  gallery: {
    title: 'What the model learned from',
    caption: 'Samples of every kind of stimulus: ten sketch categories that climb from lines to faces, edge stimuli (bars and gratings) at eight orientations, and the white noise used to map receptive fields. Choose one to make it the input.',
    mount: mountGallery,
  },
  lab: {
    title: 'Train the stream yourself',
    caption: 'Choose a wiring, a stream width, the edge task and a pressure on the writes, and train the whole model here, in a worker of its own. Watch the loss fall, V1’s reads and the L2/3 fields form, and the decision move between the stations; then make the result the page’s model, or download it.',
    mount: mountLab,
  },
};

export const FIGURE_NAMES = Object.keys(FIGURES);
