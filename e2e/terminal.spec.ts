import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test.describe.configure({ mode: 'serial' });

/** Seed 01 applied and its two nginx pods ready (asked of the lab's kubectl, not the graph). */
async function withSeed01(page: Page): Promise<{ lab: LabPage; pods: string[] }> {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('01-clusterip');
  await page.getByRole('button', { name: 'Reset tab' }).click();
  await lab.applyAndExpect(/deployment\.apps\/my-nginx/);
  let pods: string[] = [];
  await expect
    .poll(async () => {
      const res = await page.request.get('/api/kubectl?args=get+pods+-l+run%3Dmy-nginx');
      const { stdout } = (await res.json()) as { stdout: string };
      pods = [...stdout.matchAll(/^(my-nginx-\S+)\s+1\/1\s+Running/gm)].map((m) => m[1]!);
      return pods.length;
    })
    .toBe(2);
  return { lab, pods };
}

/** The terminal's screen, one trimmed string per row. */
function rows(lab: LabPage): Promise<string[]> {
  return lab.terminal
    .locator('.xterm-rows > div')
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
}

/** The last row printed before the prompt now waiting (`$ ` or `/ # `): the last output line. */
async function lastOutput(lab: LabPage, prompt: string): Promise<string | undefined> {
  const screen = (await rows(lab)).filter((r) => r !== '');
  return screen.at(-1) === prompt.trim() ? screen.at(-2) : undefined;
}

test('the Terminal opens on the kubectl console: the tutorial\'s "kubectl get pods" answers', async ({
  page,
}) => {
  const { lab, pods } = await withSeed01(page);
  await lab.dockTab('Terminal');
  await expect(lab.terminal.getByRole('combobox', { name: 'Pod to exec into' })).toHaveValue(
    'kubectl',
  );
  await lab.runInTerminal(
    'kubectl get pods -l run=my-nginx -o wide',
    /my-nginx-\w+-\w+\s+1\/1\s+Running.*my-nginx-\w+-\w+\s+1\/1\s+Running/,
  );
  // The prompt is a shell's, the line reads as typed.
  expect(await rows(lab)).toContain('$ kubectl get pods -l run=my-nginx -o wide');
  await expect(lab.terminal.locator('.xterm-rows')).not.toContainText('kubectl kubectl');
  await expect(lab.terminal.locator('.xterm-rows')).not.toContainText('not found');
  // Without the word kubectl, and piped into grep on "this machine".
  await lab.runInTerminal('get pods -l run=my-nginx | grep -c Running', 'grep -c Running');
  await expect.poll(() => lastOutput(lab, '$ ')).toBe('2');
  // exec keeps the quoted command line whole: its pipe runs in the pod.
  await lab.runInTerminal(
    `kubectl exec ${pods[0]} -- sh -c "wget -q -O - my-nginx | grep Served"`,
    'Served by pod <b>default/my-nginx-',
  );
  await expect(lab.terminal.locator('.xterm-rows')).not.toContainText('Usage: wget');
});

test("the tutorial's kubectl apply -f pod_nodeport.yaml: a tab of that name, applied through the Kubernetes API", async ({
  page,
}) => {
  const lab = new LabPage(page);
  // Seed 02 (an earlier spec) made the same objects: start without them, whatever ran before.
  for (const path of [
    '/apis/apps/v1/namespaces/default/deployments/my-nginx-nodeport',
    '/api/v1/namespaces/default/services/my-nginx-nodeport',
  ]) {
    const res = await page.request.delete(path);
    expect([200, 202, 404]).toContain(res.status());
  }
  await lab.open();
  await lab.dockTab('Terminal');
  await lab.runInTerminal(
    'kubectl apply -f pod_nodeport.yaml',
    'deployment.apps/my-nginx-nodeport created',
  );
  await expect(page.getByRole('tab', { name: 'pod_nodeport.yaml' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  // Two ready pods (asked of the Kubernetes API itself), then the console's Table of them.
  await expect
    .poll(async () => {
      const res = await page.request.get(
        '/api/v1/namespaces/default/pods?labelSelector=run%3Dmy-nginx-nodeport',
      );
      const { items } = (await res.json()) as {
        items: { status?: { containerStatuses?: { ready: boolean }[] } }[];
      };
      return items.filter((p) => p.status?.containerStatuses?.[0]?.ready).length;
    })
    .toBe(2);
  const row = String.raw`my-nginx-nodeport-\w+-\w+\s+1/1\s+Running\s+0\s+\S+\s+127\.\d+\.\d+\.\d+\s+node-\d`;
  await lab.runInTerminal(
    'kubectl get pods -l run=my-nginx-nodeport -o wide',
    new RegExp(
      String.raw`NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\s*${row}.*${row}`,
    ),
  );

  // Applied again as it is: the API keeps its resourceVersion, and the console says so.
  await lab.runInTerminal(
    'kubectl apply -f pod_nodeport.yaml',
    'deployment.apps/my-nginx-nodeport unchanged',
  );

  // The Service's file from the picker, made invalid in the editor: the API's words, verbatim.
  await page.locator('#scenario').selectOption('tutorial:service_nodeport.yaml');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('tab', { name: 'service_nodeport.yaml' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.locator('.monaco-editor').getByText('nodePort: 30380').click();
  await page.keyboard.press('End');
  await page.keyboard.type('0');
  await lab.runInTerminal(
    'kubectl apply -f service_nodeport.yaml',
    'The Service "my-nginx-nodeport" is invalid: spec.ports[0].nodePort: Invalid value: 303800',
  );
  await lab.runInTerminal(
    'kubectl get svc my-nginx-nodeport',
    'Error from server (NotFound): services "my-nginx-nodeport" not found',
  );
  // Fixed: created, and again unchanged (its ClusterIP, allocated by the lab, stays).
  await page.locator('.monaco-editor').getByText('nodePort: 303800').click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await lab.runInTerminal(
    'kubectl apply -f service_nodeport.yaml',
    'service/my-nginx-nodeport created',
  );
  await lab.runInTerminal(
    'kubectl apply -f service_nodeport.yaml',
    'service/my-nginx-nodeport unchanged',
  );
  await lab.runInTerminal(
    'kubectl delete -f service_nodeport.yaml -f pod_nodeport.yaml',
    'deployment.apps "my-nginx-nodeport" deleted',
  );
});

test("a pod's shell reads quotes, pipes and && as busybox sh does, and has no kubectl", async ({
  page,
}) => {
  const { lab, pods } = await withSeed01(page);
  await lab.dockTab('Terminal');
  await lab.terminal
    .getByRole('combobox', { name: 'Pod to exec into' })
    .selectOption(`default/${pods[0]}`);
  await expect(lab.terminal.locator('.xterm-rows')).toContainText('/ #');
  // echo pipes' 'ok prints "pipes ok", a text the typed line itself does not contain.
  await lab.runInTerminal(
    `nslookup my-nginx >/dev/null && sh -c "wget -q -O - my-nginx | grep Served | wc -l" && echo pipes' 'ok`,
    'pipes ok',
  );
  const screen = await rows(lab);
  expect(screen[screen.lastIndexOf('pipes ok') - 1]).toBe('1');
  await lab.runInTerminal('sh -c "wget -q -O - my-nginx | grep -c nginx"', 'grep -c nginx"');
  await expect.poll(() => lastOutput(lab, '/ # ')).toMatch(/^[1-9]\d*$/);
  expect((await rows(lab)).join('\n')).not.toContain('Usage: wget');
  await lab.runInTerminal(
    'kubectl get pods -l run=my-nginx -o wide',
    'sh: kubectl: not found (kubectl runs from your machine',
  );
  // exit leaves the pod's shell for the console.
  await lab.runInTerminal('exit', '$ ');
  await expect(lab.terminal.getByRole('combobox', { name: 'Pod to exec into' })).toHaveValue(
    'kubectl',
  );
});

test('a bad edit, once fixed, no longer says "invalid edit" in Live', async ({ page }) => {
  await withSeed01(page);
  const live = page.getByTestId('live-status');
  await page.getByRole('checkbox', { name: 'Live', exact: true }).check();
  await expect(live).toContainText('applied');
  await page.locator('.monaco-editor').getByText('replicas: 2').click();
  await page.keyboard.press('End');
  await page.keyboard.type('x');
  await expect(live).toContainText('invalid edit');
  await expect(page.getByRole('region', { name: 'Problems' })).toContainText(/[1-9] errors?/);
  // Back to the text that is running: Problems empties, and Live says so too.
  await page.keyboard.press('Backspace');
  await expect(page.getByRole('region', { name: 'Problems' })).toContainText('0 errors');
  await expect(live).not.toContainText('invalid edit');
  await page.waitForTimeout(1500); // past live mode's 600 ms check
  await expect(live).not.toContainText('invalid edit');
  await expect(live).toContainText('applied');
  await page.getByRole('checkbox', { name: 'Live', exact: true }).uncheck();
});

test('the dock can be enlarged and the terminal fills it; the editor can be widened', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.dockTab('Terminal');
  const dock = page.locator('.dock');
  const host = lab.terminal.locator('.terminal-host');
  const before = (await dock.boundingBox())!;
  expect((await host.boundingBox())!.width).toBeGreaterThan(before.width - 40);
  const rowsBefore = await lab.terminal.locator('.xterm-rows > div').count();
  await page.getByRole('button', { name: 'Enlarge' }).click();
  await expect(dock).toHaveClass(/\blarge\b/);
  await expect
    .poll(async () => (await dock.boundingBox())!.height)
    .toBeGreaterThan(before.height * 1.5);
  // xterm refits to the taller element: more rows.
  await expect
    .poll(() => lab.terminal.locator('.xterm-rows > div').count())
    .toBeGreaterThan(rowsBefore * 1.5);
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(dock).not.toHaveClass(/\blarge\b/);

  // The splitter on the editor's right edge: keyboard, clamped, remembered.
  const splitter = page.getByRole('separator', { name: 'Editor width' });
  await expect(splitter).toHaveAttribute('aria-orientation', 'vertical');
  await splitter.focus();
  await page.keyboard.press('End');
  const max = Math.floor(1600 * 0.6);
  await expect(splitter).toHaveAttribute('aria-valuenow', String(max));
  await page.keyboard.press('ArrowLeft');
  await expect(splitter).toHaveAttribute('aria-valuenow', String(max - 16));
  const property = () =>
    page.evaluate(() => document.documentElement.style.getPropertyValue('--editor-w'));
  expect(await property()).toBe(`${max - 16}px`);
  await page.keyboard.press('Home');
  expect(await property()).toBe('280px');
  await page.keyboard.press('Shift+ArrowRight');
  expect(await property()).toBe('360px');
  // The page grid's editor column reads the property.
  const panel = page.getByRole('region', { name: 'Manifests' });
  await expect.poll(async () => Math.round((await panel.boundingBox())!.width)).toBe(360);
  await page.reload();
  await expect(lab.linkState).toHaveText('online');
  expect(await property()).toBe('360px');
  await expect(splitter).toHaveAttribute('aria-valuenow', '360');
});
