import { z } from "zod";
import { isCidr, parseCidr } from "../lib/cidr";
import { RFC1123_LABEL } from "../render/kuma/validate";

/**
 * The value shapes the phase schemas share: names, versions, networks, ports, durations. Each
 * message says what is allowed.
 */

const VERSION = /^\d+\.\d+(\.\d+){0,2}$/;
const DURATION = /^\d+(ms|s|m|h)$/;

export const label = (what: string, max = 63) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(
      RFC1123_LABEL,
      `must be an RFC 1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit) naming ${what}`,
    );
export const version = (example: string) => z.string().regex(VERSION, `must be a version like ${example}`);
export const cidr = z.string().refine(isCidr, "must be an IPv4 CIDR block like 10.0.0.0/24 (no host bits set)");
export const port = z
  .number()
  .int("must be a whole number")
  .min(1, "must be a port from 1 to 65535")
  .max(65535, "must be a port from 1 to 65535");
export const duration = z.string().regex(DURATION, "must be a duration like 500ms, 5s, 1m or 720h");
export const nonEmpty = (what: string) =>
  z.string().refine((s) => s.trim().length > 0, `must name ${what}; it is empty`);
export const stackName = (what: string) =>
  z
    .string()
    .regex(
      /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){0,2}$/,
      `must name ${what} as <stack>, <org>/<stack> or <org>/<project>/<stack> (file backend: organization/cloud-migration-journey/<stack>)`,
    );
/** A VPC range AWS accepts (/16 to /28) that still holds the subnets the program cuts from it. */
export const sizedCidr = (longest: number, why: string) =>
  cidr.refine((c) => {
    const prefix = parseCidr(c)?.prefix;
    return prefix === undefined || (prefix >= 16 && prefix <= longest);
  }, `must be from /16 (the largest VPC AWS allows) to /${longest} (${why})`);
