// Photos and signatures made on the tablet.
// Photos are resized here, before they are stored or sent: a 12-megapixel camera picture becomes a JPEG of at
// most `maxPx` on its long edge (kobotoolbox/kpi#4244) at FIELD_PHOTO_QUALITY, decoded off the main thread.

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The picture's size as shown (EXIF orientation applied), read without decoding its pixels.
async function displaySize(file) {
  const url = URL.createObjectURL(file);
  try {
    // The load event, not img.decode(): the size (and EXIF orientation) comes from the file's header at load,
    // while decode() decodes all 12 megapixels just to be ready to paint a picture nobody shows.
    const img = new Image();
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = reject;
      img.src = url;
    });
    return [img.naturalWidth, img.naturalHeight];
  } finally {
    URL.revokeObjectURL(url);
  }
}

// Decoding is most of the cost: WebCodecs' ImageDecoder decodes a JPEG straight at (about) the target size
// (libjpeg's DCT scaling: a 4000×3000 picture is read as 2000×1500, not decoded whole and then shrunk),
// with its orientation applied. Browsers without it decode whole through createImageBitmap.
async function decodeAt(file, width, height) {
  if (typeof ImageDecoder !== "undefined" && file.type && (await ImageDecoder.isTypeSupported(file.type))) {
    const decoder = new ImageDecoder({ data: file.stream(), type: file.type, desiredWidth: width, desiredHeight: height });
    try {
      const { image } = await decoder.decode();
      return { source: image, close: () => image.close() };
    } finally {
      decoder.close();
    }
  }
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  return { source: bitmap, close: () => bitmap.close() };
}

export async function resizePhoto(file, maxPx = 2000, quality = 0.75) {
  const [fullWidth, fullHeight] = await displaySize(file);
  const scale = Math.min(1, maxPx / Math.max(fullWidth, fullHeight));
  const width = Math.round(fullWidth * scale);
  const height = Math.round(fullHeight * scale);
  const decoded = await decodeAt(file, width, height);
  let blob;
  try {
    if (typeof OffscreenCanvas !== "undefined") {
      const canvas = new OffscreenCanvas(width, height);
      canvas.getContext("2d").drawImage(decoded.source, 0, 0, width, height);
      decoded.close();
      blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
    } else {
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      canvas.getContext("2d").drawImage(decoded.source, 0, 0, width, height);
      decoded.close();
      blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
    }
  } catch (error) {
    decoded.close();
    throw error;
  }
  return { blob, width, height };
}

// Several pictures at once: the browser decodes and encodes on its own threads, so two or more run side
// by side; results come back in the order given.
export async function resizePhotos(files, maxPx, quality) {
  const lanes = Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2));
  const out = new Array(files.length);
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const i = next++;
      const resized = await resizePhoto(files[i], maxPx, quality);
      out[i] = { ...resized, sha256: await sha256Hex(resized.blob) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, files.length) }, lane));
  return out;
}

// A signature pad on a <canvas>: pointer events (finger, stylus or mouse), pressure-free strokes.
export function signaturePad(canvas) {
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let strokes = 0;
  const ratio = window.devicePixelRatio || 1;
  const fit = () => {
    const { width, height } = canvas.getBoundingClientRect();
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111827";
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    strokes = 0;
  };
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  canvas.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    drawing = true;
    ctx.beginPath();
    ctx.moveTo(...point(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    ctx.lineTo(...point(e));
    ctx.stroke();
  });
  const end = () => {
    if (drawing) strokes += 1;
    drawing = false;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  fit();
  return {
    clear: fit,
    isEmpty: () => strokes === 0,
    toBlob: () => new Promise((resolve) => canvas.toBlob(resolve, "image/png")),
  };
}
