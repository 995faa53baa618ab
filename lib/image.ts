/**
 * Which image a lane runs: `IMAGE_URI` (set by the pipeline after it builds and pushes), else
 * the lane's or service's `image` in params, else DEFAULT_IMAGE. The default is a public image
 * so that the example synthesizes and plans on any machine; it serves on port 80.
 */
export const DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx:stable-alpine";

export type ImageSource = "IMAGE_URI" | "params" | "default";

export function resolveImage(imageUri: string | undefined, fromParams: string | undefined): { image: string; source: ImageSource } {
  if (imageUri && imageUri.trim() !== "") return { image: imageUri.trim(), source: "IMAGE_URI" };
  if (fromParams) return { image: fromParams, source: "params" };
  return { image: DEFAULT_IMAGE, source: "default" };
}

/** How many images a lane remembers (current first). */
export const IMAGE_HISTORY_LENGTH = 10;

/** The lane's image history after deploying `image`: newest first, no duplicates, bounded. */
export function imageHistory(image: string, previous: readonly string[]): string[] {
  return [image, ...previous.filter((p) => p !== image)].slice(0, IMAGE_HISTORY_LENGTH);
}
