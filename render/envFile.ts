/**
 * KEY=value environment files read by both `docker run --env-file` and systemd `EnvironmentFile=`.
 * Docker takes values literally (no quotes, no escapes), so only values both agree on are allowed.
 */
export function renderEnvFile(vars: Record<string, string | number | boolean>): string {
  return (
    Object.entries(vars)
      .map(([key, raw]) => {
        const value = String(raw);
        if (!/^[A-Z_][A-Z0-9_]*$/.test(key))
          throw new Error(`environment variable name "${key}" must be upper-case letters, digits and '_'`);
        if (/[\r\n"'\\$`]/.test(value) || value !== value.trim()) {
          throw new Error(
            `environment variable ${key} has a value with quotes, '$', '\\', newlines or outer spaces, which docker and systemd read differently`,
          );
        }
        return `${key}=${value}`;
      })
      .join("\n") + "\n"
  );
}
