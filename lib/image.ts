/**
 * Which image a lane runs: `IMAGE_URI` (set by the pipeline after it builds and pushes), else
 * the lane's or service's `image` in params, else DEFAULT_IMAGE. The default is a public image
 * so that the example synthesizes and plans anywhere; it serves on port 80.
 *
 * Every image a lane is given is checked as an image reference with the reference grammar of
 * the container registry distribution (`[registry/]repository[:tag][@digest]`, the grammar
 * `docker pull` and ECS use; parsed by @swimlane/docker-reference), so `IMAGE_URI="not an
 * image"` stops synth and `--image` stops the CLI (exit 2) before anything is deployed.
 */
import { parseFamiliarName } from "@swimlane/docker-reference";

export const DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx:stable-alpine";

export type ImageSource = "IMAGE_URI" | "params" | "default";

/** The form an image reference takes, for messages. */
export const IMAGE_REFERENCE_FORM = "registry/repository[:tag][@digest], e.g. 123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/dev/user-api:sha-1a2b3c4";

export class ImageReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageReferenceError";
  }
}

/** Why `text` is not an image reference, or undefined when it is one. */
export function imageReferenceProblem(text: string): string | undefined {
  if (text !== text.trim() || text === "") return "it is empty or has surrounding spaces";
  try {
    parseFamiliarName(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Returns `text` when it is an image reference; else an ImageReferenceError naming `where` (e.g. `--image`, `IMAGE_URI`). */
export function checkImageReference(text: string, where: string): string {
  const problem = imageReferenceProblem(text);
  if (problem) throw new ImageReferenceError(`${where}='${text}' is not an image reference (${problem}). Allowed: ${IMAGE_REFERENCE_FORM}.`);
  return text;
}

export function resolveImage(imageUri: string | undefined, fromParams: string | undefined): { image: string; source: ImageSource } {
  if (imageUri && imageUri.trim() !== "") return { image: checkImageReference(imageUri.trim(), "IMAGE_URI"), source: "IMAGE_URI" };
  if (fromParams) return { image: fromParams, source: "params" };
  return { image: DEFAULT_IMAGE, source: "default" };
}

/** How many images a lane remembers (current first). */
export const IMAGE_HISTORY_LENGTH = 10;

/** The lane's image history after deploying `image`: newest first, no duplicates, bounded. */
export function imageHistory(image: string, previous: readonly string[]): string[] {
  return [image, ...previous.filter((p) => p !== image)].slice(0, IMAGE_HISTORY_LENGTH);
}
