import path from 'node:path';

/**
 * Everything the site build reads from its environment, read in one place.
 * `ARCHIVE_DIR` names the archive repository (astro.config.ts defaults it to this repository,
 * because this module is bundled and cannot know where it came from), `ARCHIVE_REF` the
 * commit to build from (default HEAD), `SITE_URL` the public origin used in canonical URLs,
 * feeds and citations, and `ARCHIVE_REPOSITORY_URL` (or GitHub Actions' `GITHUB_SERVER_URL` +
 * `GITHUB_REPOSITORY`) the forge where commits can be browsed.
 */
export interface SiteSettings {
  archiveDir: string;
  ref: string;
  /** Origin and base path, without a trailing slash: `https://example.org`. */
  siteUrl: string;
  /** Web page of the archive repository on its forge, without a trailing slash, when known. */
  repositoryUrl: string | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): SiteSettings {
  return {
    archiveDir: path.resolve(env.ARCHIVE_DIR || '.'),
    ref: env.ARCHIVE_REF || 'HEAD',
    siteUrl: siteUrlOf(env),
    repositoryUrl: repositoryUrlOf(env),
  };
}

export function siteUrlOf(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.SITE_URL || 'http://localhost:4321';
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`SITE_URL must be an http(s) URL, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

export function repositoryUrlOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.ARCHIVE_REPOSITORY_URL?.trim();
  if (explicit) {
    const url = new URL(explicit);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`ARCHIVE_REPOSITORY_URL must be an http(s) URL, got "${explicit}"`);
    return url.href.replace(/(\.git)?\/*$/, '');
  }
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY)) {
    return `${env.GITHUB_SERVER_URL.replace(/\/+$/, '')}/${env.GITHUB_REPOSITORY}`;
  }
  return undefined;
}

/** The forge's page for a commit (GitHub, GitLab, Forgejo and Gitea all use `/commit/<sha>`). */
export function commitUrl(repositoryUrl: string | undefined, sha: string): string | undefined {
  return repositoryUrl ? `${repositoryUrl}/commit/${sha}` : undefined;
}
