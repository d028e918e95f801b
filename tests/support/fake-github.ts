import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small, real HTTP implementation of the part of GitHub's REST API that the failure issues use:
 * issues (list with label/state filters and pagination, get, create, update), comments and
 * labels, kept in memory for one repository. Answers carry GitHub's shapes and status codes
 * (401 without the token, 404 for unknown issues, 422 for invalid bodies), so that octokit runs
 * against it unchanged with `baseUrl`.
 */

export interface FakeLabel {
  name: string;
  color: string;
  description: string | null;
}

export interface FakeComment {
  id: number;
  body: string;
  created_at: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  comments: FakeComment[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pull_request: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FakeGitHub {
  /** The API base URL, for octokit's `baseUrl`. */
  url: string;
  token: string;
  owner: string;
  repo: string;
  issues: FakeIssue[];
  labels: Map<string, FakeLabel>;
  /** Every request received, authorized or not, in order. */
  requests: RecordedRequest[];
  /** Adds an issue (or a pull request) directly, as if made by a person. */
  addIssue(fields: Partial<FakeIssue> & { title: string }): FakeIssue;
  issue(number: number): FakeIssue | undefined;
  /** Answers the next `times` matching requests with `status` instead of serving them. */
  failWhen(match: (request: RecordedRequest) => boolean, status?: number, times?: number): void;
  /** Requests that changed something (not GETs), as `METHOD path`. */
  mutations(): string[];
  close(): Promise<void>;
}

interface Failure {
  match: (request: RecordedRequest) => boolean;
  status: number;
  times: number;
}

class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly payload: Record<string, unknown>;

  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.payload = { message, ...extra };
  }
}

const DOCS = 'https://docs.github.com/rest';

function validationFailed(resource: string, field: string, code = 'missing_field'): HttpProblem {
  return new HttpProblem(422, 'Validation Failed', { errors: [{ resource, code, field }] });
}

export async function startFakeGitHub({ owner = 'octo-org', repo = 'archive', token = 'test-token' } = {}): Promise<FakeGitHub> {
  const issues: FakeIssue[] = [];
  const labels = new Map<string, FakeLabel>();
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  let nextComment = 9000;
  let base = '';

  const timestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const labelKey = (name: string) => name.toLowerCase();
  const ensureLabel = (name: string) => {
    if (!labels.has(labelKey(name))) labels.set(labelKey(name), { name, color: 'ededed', description: null });
    return labels.get(labelKey(name))!;
  };

  const addIssue: FakeGitHub['addIssue'] = (fields) => {
    const now = timestamp();
    const issue: FakeIssue = {
      number: issues.length + 1,
      body: null,
      state: 'open',
      state_reason: null,
      labels: [],
      comments: [],
      created_at: now,
      updated_at: now,
      closed_at: null,
      pull_request: false,
      ...fields,
    };
    issue.labels = issue.labels.map((name) => ensureLabel(name).name);
    issues.push(issue);
    return issue;
  };

  const labelJson = (label: FakeLabel) => ({
    id: 100 + [...labels.keys()].indexOf(labelKey(label.name)),
    node_id: `LA_${Buffer.from(label.name).toString('base64url')}`,
    url: `${base}/repos/${owner}/${repo}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  });

  const issueJson = (issue: FakeIssue) => {
    const url = `${base}/repos/${owner}/${repo}/issues/${issue.number}`;
    return {
      url,
      repository_url: `${base}/repos/${owner}/${repo}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `https://github.com/${owner}/${repo}/${issue.pull_request ? 'pull' : 'issues'}/${issue.number}`,
      id: 5000 + issue.number,
      node_id: `I_${issue.number}`,
      number: issue.number,
      title: issue.title,
      user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      labels: issue.labels.map((name) => labelJson(ensureLabel(name))),
      state: issue.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issue.comments.length,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      author_association: 'NONE',
      state_reason: issue.state_reason,
      body: issue.body,
      ...(issue.pull_request ? { pull_request: { url: `${base}/repos/${owner}/${repo}/pulls/${issue.number}` } } : {}),
    };
  };

  const commentJson = (issue: FakeIssue, comment: FakeComment) => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${base}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${owner}/${repo}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${base}/repos/${owner}/${repo}/issues/${issue.number}`,
    body: comment.body,
    user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
    created_at: comment.created_at,
    updated_at: comment.created_at,
    author_association: 'NONE',
  });

  const findIssue = (number: string) => {
    const issue = issues.find((candidate) => String(candidate.number) === number);
    if (!issue) throw new HttpProblem(404, 'Not Found');
    return issue;
  };

  const labelNames = (value: unknown): string[] => {
    if (!Array.isArray(value)) throw validationFailed('Issue', 'labels', 'invalid');
    return value.map((label) => {
      const name = typeof label === 'string' ? label : (label as { name?: unknown })?.name;
      if (typeof name !== 'string' || name.trim() === '' || name.length > 50) throw validationFailed('Label', 'name', 'invalid');
      return ensureLabel(name).name;
    });
  };

  type Route = (params: string[], request: RecordedRequest, response: ServerResponse) => unknown;
  const routes: Array<[string, RegExp, Route]> = [
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues$/, (_, { query }, response) => {
      const state = query.get('state') ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) throw validationFailed('Issue', 'state', 'invalid');
      const wanted = (query.get('labels') ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
      const direction = query.get('direction') ?? 'desc';
      const sortKey = query.get('sort') === 'updated' ? 'updated_at' : 'created_at';
      const matching = issues
        .filter((issue) => state === 'all' || issue.state === state)
        .filter((issue) => wanted.every((name) => issue.labels.some((label) => label.toLowerCase() === name)))
        .sort((a, b) => (a[sortKey] === b[sortKey] ? a.number - b.number : a[sortKey] < b[sortKey] ? -1 : 1) * (direction === 'asc' ? 1 : -1));
      const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
      const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
      const last = Math.max(Math.ceil(matching.length / perPage), 1);
      const link = (n: number, rel: string) => {
        const next = new URLSearchParams(query);
        next.set('page', String(n));
        next.set('per_page', String(perPage));
        return `<${base}/repos/${owner}/${repo}/issues?${next}>; rel="${rel}"`;
      };
      const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
      if (links.length > 0) response.setHeader('link', links.join(', '));
      return matching.slice((page - 1) * perPage, page * perPage).map(issueJson);
    }],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/issues$/, (_, { body }, response) => {
      const fields = body as Record<string, unknown>;
      if (typeof fields.title !== 'string' && typeof fields.title !== 'number') throw validationFailed('Issue', 'title');
      if (fields.body !== undefined && fields.body !== null && typeof fields.body !== 'string') throw validationFailed('Issue', 'body', 'invalid');
      const issue = addIssue({
        title: String(fields.title),
        body: (fields.body as string | null | undefined) ?? null,
        labels: fields.labels === undefined ? [] : labelNames(fields.labels),
      });
      response.statusCode = 201;
      response.setHeader('location', `${base}/repos/${owner}/${repo}/issues/${issue.number}`);
      return issueJson(issue);
    }],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, ([number]) => issueJson(findIssue(number!))],
    ['PATCH', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, ([number], { body }) => {
      const issue = findIssue(number!);
      const fields = body as Record<string, unknown>;
      if (fields.title !== undefined && (typeof fields.title !== 'string' || fields.title === '')) throw validationFailed('Issue', 'title', 'invalid');
      if (fields.body !== undefined && fields.body !== null && typeof fields.body !== 'string') throw validationFailed('Issue', 'body', 'invalid');
      if (fields.state !== undefined && fields.state !== 'open' && fields.state !== 'closed') throw validationFailed('Issue', 'state', 'invalid');
      if (fields.state_reason !== undefined && fields.state_reason !== null && !['completed', 'not_planned', 'reopened'].includes(fields.state_reason as string)) {
        throw validationFailed('Issue', 'state_reason', 'invalid');
      }
      const newLabels = fields.labels === undefined ? undefined : labelNames(fields.labels);
      if (typeof fields.title === 'string') issue.title = fields.title;
      if (fields.body !== undefined) issue.body = fields.body as string | null;
      if (newLabels) issue.labels = newLabels;
      if (fields.state === 'closed' && issue.state === 'open') {
        issue.state = 'closed';
        issue.closed_at = timestamp();
        issue.state_reason = (fields.state_reason as string | undefined) ?? 'completed';
      } else if (fields.state === 'open' && issue.state === 'closed') {
        issue.state = 'open';
        issue.closed_at = null;
        issue.state_reason = 'reopened';
      }
      issue.updated_at = timestamp();
      return issueJson(issue);
    }],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, ([number]) => {
      const issue = findIssue(number!);
      return issue.comments.map((comment) => commentJson(issue, comment));
    }],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/, ([number], { body }, response) => {
      const issue = findIssue(number!);
      const text = (body as Record<string, unknown>).body;
      if (typeof text !== 'string' || text === '') throw validationFailed('IssueComment', 'body');
      const comment = { id: nextComment++, body: text, created_at: timestamp() };
      issue.comments.push(comment);
      issue.updated_at = comment.created_at;
      response.statusCode = 201;
      return commentJson(issue, comment);
    }],
    ['GET', /^\/repos\/([^/]+)\/([^/]+)\/labels\/([^/]+)$/, ([name]) => {
      const label = labels.get(labelKey(decodeURIComponent(name!)));
      if (!label) throw new HttpProblem(404, 'Not Found');
      return labelJson(label);
    }],
    ['POST', /^\/repos\/([^/]+)\/([^/]+)\/labels$/, (_, { body }, response) => {
      const fields = body as Record<string, unknown>;
      if (typeof fields.name !== 'string' || fields.name.trim() === '' || fields.name.length > 50) throw validationFailed('Label', 'name');
      if (fields.color !== undefined && (typeof fields.color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(fields.color))) throw validationFailed('Label', 'color', 'invalid');
      if (labels.has(labelKey(fields.name))) throw validationFailed('Label', 'name', 'already_exists');
      const label = { name: fields.name, color: (fields.color as string | undefined)?.toLowerCase() ?? 'ededed', description: typeof fields.description === 'string' ? fields.description : null };
      labels.set(labelKey(label.name), label);
      response.statusCode = 201;
      return labelJson(label);
    }],
  ];

  const readBody = async (request: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpProblem(400, 'Problems parsing JSON');
    }
  };

  const authorized = (header: string | undefined) => {
    const match = /^(token|bearer)\s+(\S+)$/i.exec(header ?? '');
    return match !== null && match[2] === token;
  };

  const server = createServer(async (incoming, response) => {
    const url = new URL(incoming.url ?? '/', base);
    const method = incoming.method ?? 'GET';
    const recorded: RecordedRequest = { method, path: url.pathname, query: url.searchParams, body: undefined };
    requests.push(recorded);
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('x-github-request-id', `FAKE:${requests.length}`);
    response.setHeader('x-github-api-version-selected', '2022-11-28');
    let payload: unknown;
    try {
      recorded.body = await readBody(incoming);
      if (!incoming.headers.authorization) throw new HttpProblem(401, 'Requires authentication');
      if (!authorized(incoming.headers.authorization)) throw new HttpProblem(401, 'Bad credentials');
      const failure = failures.find((candidate) => candidate.times > 0 && candidate.match(recorded));
      if (failure) {
        failure.times--;
        throw new HttpProblem(failure.status, failure.status >= 500 ? 'Server Error' : 'Injected failure');
      }
      const route = routes.find(([routeMethod, pattern]) => routeMethod === method && pattern.test(url.pathname));
      if (!route) throw new HttpProblem(404, 'Not Found');
      const [, routeOwner, routeRepo, ...params] = route[1].exec(url.pathname)!;
      if (routeOwner !== owner || routeRepo !== repo) throw new HttpProblem(404, 'Not Found');
      response.statusCode = 200;
      payload = route[2](params, recorded, response);
    } catch (error) {
      const problem = error instanceof HttpProblem ? error : new HttpProblem(500, `fake GitHub: ${(error as Error).message}`);
      response.statusCode = problem.status;
      payload = { ...problem.payload, documentation_url: DOCS, status: String(problem.status) };
    }
    response.end(JSON.stringify(payload));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    owner,
    repo,
    issues,
    labels,
    requests,
    addIssue,
    issue: (number) => issues.find((issue) => issue.number === number),
    failWhen: (match, status = 500, times = 1) => void failures.push({ match, status, times }),
    mutations: () => requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
