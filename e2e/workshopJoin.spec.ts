import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/ownPage.ts';
import { startLab, type RunningLab } from './fixtures/startLab.ts';

// Workshop mode's way in, as a room meets it: a student opens the join URL, names themselves,
// joins, downloads their kubeconfig and opens their lab; the instructor's Workshop panel lists
// them; the projector (viewer) only watches and shows the join QR code. Its own lab
// (`--workshop` on loopback), so the suite's lab stays single-user. Screenshots of the join page
// and the panel at 1600x1000 and 1280x720 go to $L4LAB_SHOTS_DIR when it is set.

let lab: RunningLab;

test.beforeAll(async () => {
  lab = await startLab(['--workshop', '--host', '127.0.0.1']);
});

test.afterAll(async () => {
  await lab?.stop();
});

async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env.L4LAB_SHOTS_DIR;
  if (!dir) return;
  for (const [width, height] of [
    [1600, 1000],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(dir, `${name}-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1600, height: 1000 });
}

test('a student joins as alice, gets namespace alice and a kubeconfig; the instructor sees alice', async ({
  ownPage,
}) => {
  test.setTimeout(120_000);
  const joinUrl = await lab.printed('join');
  const instructorUrl = await lab.printed('instructor');

  const student = await ownPage({ acceptDownloads: true });
  await student.goto(joinUrl);
  await expect(student.getByRole('heading', { name: 'Join the workshop' })).toBeVisible();
  const name = student.getByLabel(/Your name/);
  // The name is checked as Kubernetes checks a namespace's, live, in its words.
  await name.fill('Alice');
  await expect(
    student.getByText(/a lowercase RFC 1123 label must consist of lower case/),
  ).toBeVisible();
  await expect(student.getByRole('button', { name: 'Join', exact: true })).toBeDisabled();
  await shoot(student, 'join-invalid');
  await name.fill('alice');
  await expect(student.getByText(/RFC 1123/)).toHaveCount(0);
  await shoot(student, 'join-form');
  await student.getByRole('button', { name: 'Join', exact: true }).click();

  const joined = student.getByTestId('joined');
  await expect(joined.getByRole('status')).toHaveText('You are alice, namespace alice');
  await expect(joined).toContainText('export KUBECONFIG=~/Downloads/l4lab-alice.kubeconfig');
  await expect(joined).toContainText('kubectl apply -f pod_test.yaml');
  const [download] = await Promise.all([
    student.waitForEvent('download'),
    joined.getByRole('link', { name: 'Download kubeconfig' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('l4lab-alice.kubeconfig');
  const kubeconfig = await readFile((await download.path())!, 'utf8');
  expect(kubeconfig).toMatch(/^\s+namespace: alice$/m);
  expect(kubeconfig).toMatch(/server: "?http:\/\/127\.0\.0\.1:\d+/);
  const rejoinCode = (await joined.locator('.join-code').textContent())?.trim() ?? '';
  expect(rejoinCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await shoot(student, 'join-done');

  // A second browser asking for the same name hears why, in the server's words.
  const late = await ownPage();
  await late.goto(joinUrl);
  await late.getByLabel(/Your name/).fill('alice');
  await late.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(late.getByRole('alert')).toContainText('namespaces "alice" already exists');
  // alice on another device (her phone, then her laptop): her rejoin code, typed as read.
  const phone = await ownPage();
  await phone.goto(joinUrl);
  await phone.getByLabel(/Your name/).fill('alice');
  await phone.getByRole('button', { name: 'Join', exact: true }).click();
  await phone.getByLabel(/Your rejoin code/).fill(rejoinCode.toLowerCase());
  await phone.getByRole('button', { name: 'Join again as alice' }).click();
  await expect(phone.getByTestId('joined').getByRole('status')).toHaveText(
    'You are alice, namespace alice',
  );
  await expect(phone.getByTestId('joined')).toContainText('Joined again, from this device');
  // Leaving the name empty: the lab picks student-<n>.
  await late.getByLabel(/Your name/).fill('');
  await late.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(late.getByTestId('joined').getByRole('status')).toHaveText(
    /^You are (student-\d+), namespace \1$/,
  );
  const unnamed = /You are (\S+),/.exec(
    (await late.getByTestId('joined').getByRole('status').textContent()) ?? '',
  )![1]!;

  // Without the code, the page says where to find it.
  const stranger = await ownPage();
  await stranger.goto(`${lab.url}/join`);
  await expect(stranger.getByText(/scan the QR code on the projector/)).toBeVisible();

  // alice's own lab: who she is, and where her Apply lands.
  await student.getByRole('link', { name: 'Open my lab' }).click();
  await expect(student.getByTestId('role-badge')).toHaveText('alice · namespace alice');
  await expect(student.getByTestId('apply-namespace')).toHaveText('into namespace alice');

  // The instructor's panel: the join QR code and URL, the counts, alice in the roster.
  const instructor = await ownPage();
  await instructor.goto(instructorUrl);
  await expect(instructor.getByTestId('role-badge')).toHaveText('instructor · workshop');
  await instructor.getByRole('button', { name: 'Workshop', exact: true }).click();
  const panel = instructor.getByRole('dialog', { name: 'Workshop' });
  await expect(panel.getByRole('img', { name: /^QR code of http.*\/join\?code=/ })).toBeVisible();
  await expect(panel.getByTestId('join-url')).toContainText('/join?code=');
  const alice = panel.getByRole('row', { name: 'student alice' });
  await expect(alice).toBeVisible();
  await expect(alice.getByRole('rowheader')).toHaveText('alice');
  await expect(panel.getByTestId('workshop-connected')).toContainText('1 student');
  await expect(panel.getByRole('row', { name: `student ${unnamed}` })).toBeVisible();
  await shoot(instructor, 'workshop-panel');

  // Spotlight, Reset (confirmed) and Remove (confirmed), each answered by the lab.
  await alice.getByRole('button', { name: 'Spotlight' }).click();
  await expect(alice.getByRole('button', { name: 'Spotlight' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await alice.getByRole('button', { name: 'Reset' }).click();
  await alice.getByRole('button', { name: 'Reset alice?' }).click();
  await expect(panel.getByRole('status')).toHaveText('namespace alice reset');
  const other = panel.getByRole('row', { name: `student ${unnamed}` });
  await other.getByRole('button', { name: 'Remove' }).click();
  await other.getByRole('button', { name: `Remove ${unnamed}?` }).click();
  await expect(other).toHaveCount(0);
  await expect(alice).toBeVisible();

  // The projector watches only: presenter layout, no editor, no Apply, the join card.
  const projector = await ownPage();
  await projector.goto(await lab.printed('projector'));
  await expect(projector.getByTestId('role-badge')).toHaveText('viewer (projector)');
  await expect(projector.getByText('viewer: watching only')).toBeVisible();
  await expect(projector.getByRole('button', { name: 'Apply', exact: true })).toHaveCount(0);
  await expect(projector.getByRole('complementary', { name: 'Join the workshop' })).toBeVisible();
  await shoot(projector, 'projector');
});
