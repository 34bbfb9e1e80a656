// Pictograms of the event kinds, drawn on a canvas in white (they sit on the event's coloured
// circle), and the camp symbol (a blue square with a tent). Drawn at twice their CSS size for
// sharp edges; nothing is loaded.

const SIZE = 32;

export const KINDS = [
  'offensive_start', 'clash', 'airstrike', 'shelling', 'ied', 'vbied', 'chemical', 'shootdown',
  'execution', 'mass_grave', 'abduction', 'displacement', 'camp_opened', 'evacuation_deal',
  'heritage_destroyed', 'statement', 'camp',
];

/** Draws the pictogram of `kind` (32 × 32) on 2D context `c` with its top left at (`x`, `y`):
 * straight onto the atlas, since reading pixels back from a canvas costs software rendering
 * about ten milliseconds a time. */
export function drawKind(c, kind, x, y) {
  c.save();
  c.translate(x, y);
  c.beginPath();
  c.rect(0, 0, SIZE, SIZE);
  c.clip();
  c.strokeStyle = '#ffffff';
  c.fillStyle = '#ffffff';
  c.lineWidth = 3;
  c.lineCap = 'round';
  c.lineJoin = 'round';
  const path = (points, close = false) => {
    c.beginPath();
    points.forEach(([x, y], i) => (i ? c.lineTo(x, y) : c.moveTo(x, y)));
    if (close) c.closePath();
  };
  const dot = (x, y, r) => { c.beginPath(); c.arc(x, y, r, 0, 2 * Math.PI); c.fill(); };
  switch (kind) {
    case 'airstrike': // a bomb falling
      path([[16, 6], [16, 20]]); c.stroke();
      path([[10, 15], [16, 24], [22, 15]]); c.stroke();
      break;
    case 'shelling': // a burst
      for (let k = 0; k < 8; k += 1) {
        const a = (k * Math.PI) / 4;
        path([[16 + 4 * Math.cos(a), 16 + 4 * Math.sin(a)], [16 + 10 * Math.cos(a), 16 + 10 * Math.sin(a)]]);
        c.stroke();
      }
      break;
    case 'ied': case 'vbied': // a blast star
      path([[16, 5], [19, 13], [27, 12], [21, 18], [24, 26], [16, 21], [8, 26], [11, 18], [5, 12], [13, 13]], true);
      c.fill();
      break;
    case 'chemical': // a drop
      c.beginPath(); c.moveTo(16, 6); c.quadraticCurveTo(25, 18, 16, 25); c.quadraticCurveTo(7, 18, 16, 6); c.fill();
      break;
    case 'shootdown': // a falling aircraft
      path([[8, 8], [24, 24]]); c.stroke();
      path([[10, 20], [20, 10]]); c.stroke();
      break;
    case 'execution': // a cross
      path([[9, 9], [23, 23]]); c.stroke();
      path([[23, 9], [9, 23]]); c.stroke();
      break;
    case 'mass_grave': // a grave cross over ground
      path([[16, 6], [16, 22]]); c.stroke();
      path([[10, 12], [22, 12]]); c.stroke();
      path([[7, 25], [25, 25]]); c.stroke();
      break;
    case 'abduction': // a person taken away
      dot(13, 10, 3.5);
      path([[13, 15], [13, 24]]); c.stroke();
      path([[17, 18], [25, 18], [22, 15]]); c.stroke();
      break;
    case 'displacement': case 'evacuation_deal': // people moving
      path([[6, 16], [24, 16]]); c.stroke();
      path([[19, 10], [25, 16], [19, 22]]); c.stroke();
      break;
    case 'camp_opened': // a tent
      path([[16, 7], [26, 24], [6, 24]], true); c.stroke();
      path([[16, 16], [16, 24]]); c.stroke();
      break;
    case 'offensive_start': case 'clash': // crossed arrows
      path([[7, 25], [24, 8]]); c.stroke();
      path([[17, 8], [24, 8], [24, 15]]); c.stroke();
      if (kind === 'clash') { path([[25, 25], [8, 8]]); c.stroke(); }
      break;
    case 'heritage_destroyed': // a broken dome
      c.beginPath(); c.arc(16, 20, 9, Math.PI, 0); c.stroke();
      path([[6, 24], [26, 24]]); c.stroke();
      path([[15, 10], [18, 16], [14, 20]]); c.stroke();
      break;
    case 'statement': // a speech mark
      c.beginPath(); c.rect(7, 8, 18, 12); c.stroke();
      path([[12, 20], [11, 26], [17, 20]]); c.fill();
      break;
    case 'camp': { // a blue square with a white tent
      c.fillStyle = '#1d6fa5';
      c.fillRect(3, 3, 26, 26);
      c.strokeStyle = '#ffffff';
      c.lineWidth = 2;
      c.strokeRect(3, 3, 26, 26);
      c.fillStyle = '#ffffff';
      path([[16, 8], [25, 24], [7, 24]], true); c.fill();
      c.fillStyle = '#1d6fa5';
      path([[16, 15], [19, 24], [13, 24]], true); c.fill();
      break;
    }
    default:
      dot(16, 16, 4);
  }
  c.restore();
}
