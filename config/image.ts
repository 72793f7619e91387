import { z } from "zod";
import { IMAGE_DIGEST, IMAGE_PATH_COMPONENT, IMAGE_TAG } from "../render/container";

/** Container images: a repository, pinned to a version tag or a digest. */

const TAG = new RegExp(`^${IMAGE_TAG}$`);
const DIGEST = new RegExp(`^${IMAGE_DIGEST}$`);
/** A docker repository: `[registry[:port]/]path`, lower-case path components, nothing a shell or systemd would read. */
const IMAGE_REPOSITORY = new RegExp(
  `^(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d+)?/)?${IMAGE_PATH_COMPONENT}(?:/${IMAGE_PATH_COMPONENT})*$`,
);

export const repository = (what: string) =>
  z
    .string()
    .regex(
      IMAGE_REPOSITORY,
      `must be ${what}: an image repository like registry.example.com/team/name (lower-case, no spaces or shell characters)`,
    );

/** How to get an image that is published only as `latest` under a version tag of your own. */
function mirrorHint(key: string, upstream: string): string {
  const name = upstream.slice(upstream.lastIndexOf("/") + 1);
  return (
    `is required: ${upstream} is published only as :latest, which moves under you. Mirror it under a version tag ` +
    `(crane copy ${upstream}:latest <registry>/${name}:1.0.0) and set ${key}: {repository: <registry>/${name}, tag: "1.0.0"}, or pin its digest (${key}.digest: sha256:...)`
  );
}

/** A container image pinned to a version tag or a digest: never `latest`, never untagged; required, with how to get one. */
export const pinnedImage = (key: string, upstream: string) =>
  z
    .object(
      {
        repository: repository("an image repository").optional(),
        tag: z
          .string()
          .regex(TAG, "must be an image tag such as 1.4.2")
          .refine((t) => t !== "latest", "must pin a version: 'latest' moves under you")
          .optional(),
        digest: z.string().regex(DIGEST, "must be sha256:<64 hex digits>").optional(),
      },
      { error: (issue) => (issue.input === undefined ? mirrorHint(key, upstream) : undefined) },
    )
    .strict()
    .refine((i) => i.tag !== undefined || i.digest !== undefined, {
      message: "must be pinned: set `tag` (not 'latest') or `digest`",
    })
    .refine((i) => i.repository !== undefined, {
      message: mirrorHint(`${key}.repository`, upstream),
      path: ["repository"],
    })
    .transform((i) => ({ ...i, repository: i.repository as string }));

export type PinnedImage = z.output<ReturnType<typeof pinnedImage>>;

/** `repository:tag` or `repository@digest`. */
export function imageRef(image: PinnedImage): string {
  return image.digest ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag}`;
}
