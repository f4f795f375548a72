import { awsError, PROJECT_ARN, PROJECT_VERSION_ARN, validationError, type AwsResponse } from './protocol.js';

/**
 * DescribeProjects and DescribeProjectVersions for the one model version a `serve` fleet runs,
 * as the service answers them: names that are not its own are not listed, a ProjectArn that is
 * not its own is ResourceNotFoundException, and every member is held to the API model's
 * constraints (ProjectNames and VersionNames 1-10 names, MaxResults 1-100) with AWS's
 * ValidationException wording.
 */
export interface ServeIdentity {
  projectVersionArn: string;
  projectArn: string;
  project: string;
  version: string;
}

/** When the fleet started, in epoch seconds: the model's creation time on every answer. */
const CREATED_S = Math.floor(Date.now() / 1000);
const NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/** The identity of a version ARN (already checked against PROJECT_VERSION_ARN). */
export function identityOf(projectVersionArn: string): ServeIdentity {
  const m = /^(arn:[^:]+:rekognition:[^:]+:\d{12}:project\/([^/]+))\/version\/([^/]+)\/(\d+)$/.exec(projectVersionArn)!;
  return { projectVersionArn, projectArn: `${m[1]!}/${m[4]!}`, project: m[2]!, version: m[3]! };
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v.slice(0, 40)}'` : (JSON.stringify(v)?.slice(0, 40) ?? 'null'));

/** null when `v` is absent or a list of 1-10 valid names; else the validation error. */
function nameList(v: unknown, member: string): AwsResponse | null {
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.length < 1 || v.length > 10)
    return validationError(`Value at '${member}' failed to satisfy constraint: Member must have length between 1 and 10`);
  const bad = v.findIndex((n) => typeof n !== 'string' || !NAME.test(n));
  return bad === -1
    ? null
    : validationError(
        `Value ${show(v[bad])} at '${member}.${bad + 1}.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+`,
      );
}

function maxResults(v: unknown): AwsResponse | number {
  if (v === undefined) return 100;
  if (typeof v !== 'number' || !Number.isInteger(v))
    return validationError(`Value ${show(v)} at 'maxResults' failed to satisfy constraint: Member must be an integer`);
  if (v < 1 || v > 100)
    return validationError(
      `Value '${v}' at 'maxResults' failed to satisfy constraint: Member must have value ${v < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}`,
    );
  return v;
}

export function describeProjects(body: Record<string, unknown>, id: ServeIdentity): AwsResponse {
  const problem = nameList(body.ProjectNames, 'projectNames');
  if (problem) return problem;
  const max = maxResults(body.MaxResults);
  if (typeof max !== 'number') return max;
  const names = body.ProjectNames as string[] | undefined;
  const listed = names === undefined || names.includes(id.project);
  const projects = listed ? [{ ProjectArn: id.projectArn, CreationTimestamp: CREATED_S, Status: 'CREATED', Feature: 'CUSTOM_LABELS' }] : [];
  return { status: 200, body: JSON.stringify({ ProjectDescriptions: projects.slice(0, max) }) };
}

/** The version's StatusMessage: running, and what the plausibility checks found in its answers. */
function statusMessage(warnings: readonly string[]): string {
  const running = 'The model is running (capacity-plan serve).';
  return warnings.length === 0 ? running : `${running} Its outputs look wrong: ${warnings.join(' ')}`;
}

export function describeProjectVersions(
  body: Record<string, unknown>,
  id: ServeIdentity,
  units: number,
  warnings: readonly string[] = [],
): AwsResponse {
  const arn = body.ProjectArn;
  if (arn === undefined || arn === null)
    return validationError("Value null at 'projectArn' failed to satisfy constraint: Member must not be null");
  if (typeof arn !== 'string' || arn.length < 20 || arn.length > 2048 || !PROJECT_ARN.test(arn)) {
    return validationError(
      `Value ${show(arn)} at 'projectArn' failed to satisfy constraint: Member must satisfy regular expression pattern: (^arn:[a-z\\d-]+:rekognition:[a-z\\d-]+:\\d{12}:project\\/[a-zA-Z0-9_.\\-]{1,255}\\/[0-9]+$)`,
    );
  }
  const problem = nameList(body.VersionNames, 'versionNames');
  if (problem) return problem;
  const max = maxResults(body.MaxResults);
  if (typeof max !== 'number') return max;
  if (arn !== id.projectArn)
    return awsError('ResourceNotFoundException', `The project ${arn.slice(0, 200)} does not exist (this endpoint runs ${id.projectArn})`);
  const names = body.VersionNames as string[] | undefined;
  const listed = names === undefined || names.includes(id.version);
  const versions = listed
    ? [
        {
          ProjectVersionArn: id.projectVersionArn,
          CreationTimestamp: CREATED_S,
          Status: 'RUNNING',
          StatusMessage: statusMessage(warnings),
          MinInferenceUnits: units,
          MaxInferenceUnits: units,
        },
      ]
    : [];
  return { status: 200, body: JSON.stringify({ ProjectVersionDescriptions: versions.slice(0, max) }) };
}

/** A DetectCustomLabels ARN that is well formed but not this fleet's model: what the service answers. */
export function notThisModel(arn: string, id: ServeIdentity): AwsResponse | null {
  if (!PROJECT_VERSION_ARN.test(arn) || arn === id.projectVersionArn) return null;
  return awsError(
    'ResourceNotFoundException',
    `The model ${arn.slice(0, 200)} does not exist (this endpoint runs ${id.projectVersionArn})`,
  );
}
