/** Zoom steps of the lightbox, relative to the picture fitted to the screen (1). */
export const ZOOM_STEPS = [1, 1.5, 2, 3, 4] as const;

export function zoomIn(zoom: number): number {
  return ZOOM_STEPS.find((step) => step > zoom) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]!;
}

export function zoomOut(zoom: number): number {
  return [...ZOOM_STEPS].reverse().find((step) => step < zoom) ?? ZOOM_STEPS[0];
}

export interface Size {
  width: number;
  height: number;
}

/**
 * The size a picture is shown at: fitted into the stage (never enlarged beyond its own pixels), times the zoom.
 * With the picture's size unknown yet, it fills the stage.
 */
export function shownSize(picture: Size | null, stage: Size, zoom: number): Size {
  if (!picture || picture.width <= 0 || picture.height <= 0) return { width: stage.width * zoom, height: stage.height * zoom };
  const fit = Math.min(1, stage.width / picture.width, stage.height / picture.height);
  return { width: Math.round(picture.width * fit * zoom), height: Math.round(picture.height * fit * zoom) };
}
