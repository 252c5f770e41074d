// ConfigMaps on the dashboard, through lesson 12 as a learner takes it: open the step's file
// (a ConfigMap, a Deployment mounting it on nginx's html directory, a Service, a client pod),
// apply it from the editor, see the check turn green, the Resources tab's `kubectl get cm`, and
// the page the ConfigMap holds answered through the Service in the terminal; the canary of step 2
// reached by traffic; step 3's change of its ConfigMap served by the same pod, then the console's
// `create cm --dry-run=client -o yaml | kubectl apply -f -`. Everything it made is deleted at the end.
import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

const MADE = [
  '/api/objects/deployments/default/web-v1',
  '/api/objects/services/default/web',
  '/api/objects/pods/default/client',
];

test('lesson 12 from the editor: a ConfigMap page behind a Service, get cm, the canary, its page changed in place', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(lab.resources).not.toContainText('kubectl get cm -A');
  try {
    await page.getByRole('tab', { name: 'Lessons', exact: true }).click();
    const panel = page.getByTestId('lessons');
    await panel.getByRole('button', { name: /Canary: two Deployments behind one Service/ }).click();
    await expect(
      panel.getByRole('heading', { name: 'Version 1 behind the Service' }),
    ).toBeVisible();
    await panel.getByRole('button', { name: 'Open web-v1.yaml in editor' }).click();
    await lab.applyAndExpect(/configmap\/page-v1 created/);
    const ready = panel
      .getByTestId('lesson-check')
      .filter({ hasText: 'Three web-v1 pods are Ready' });
    await expect(ready).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
    // The graph tells the Deployment's pods by name, hash left out where a row is short.
    await expect(lab.pods('default/web-v1-')).toHaveCount(3);

    await lab.dockTab('Resources');
    await expect(lab.resources.getByLabel('kubectl get cm')).toContainText(/page-v1\s+1\s/);

    await lab.dockTab('Terminal');
    await lab.runInTerminal('kubectl exec client -- curl -s web', '<h1>shop v1</h1>');

    // Step 2: the canary, one pod in four, reached by traffic through the same Service.
    await page.getByRole('tab', { name: 'Lessons', exact: true }).click();
    await panel.getByRole('button', { name: 'Next step' }).click();
    await panel.getByRole('button', { name: 'Open web-v2.yaml in editor' }).click();
    await lab.applyAndExpect(/deployment\.apps\/web-v2 created/);
    await lab.startTraffic('web.default', 40);
    await lab.expectEachPodServes('default/web-v2-', 1, 1);
    const canary = panel.getByTestId('lesson-check').filter({ hasText: 'reached the canary' });
    await expect(canary).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });

    // Step 3: the canary's page fixed through its ConfigMap; the same pod serves it.
    const [pod] = await lab.podNames('default/web-v2-');
    const name = pod!.replace(/^pod default\//, '');
    await panel.getByRole('button', { name: 'Next step' }).click();
    await panel.getByRole('button', { name: 'Open page-v2.yaml in editor' }).click();
    await lab.applyAndExpect(/configmap\/page-v2 configured/);
    await lab.dockTab('Terminal');
    await lab.runInTerminal(
      `kubectl exec ${name} -- cat /usr/share/nginx/html/index.html`,
      'shop v2.1 (canary, fixed)',
    );
    expect(await lab.podNames('default/web-v2-')).toEqual([pod]);
    // The console's own idiom for a new version: a client dry run piped into apply.
    await lab.runInTerminal(
      "kubectl create cm page-v2 --from-literal=index.html='<h1>shop v2.2</h1>' --dry-run=client -o yaml | kubectl apply -f -",
      'configmap/page-v2 configured',
    );
    await lab.runInTerminal(
      `kubectl exec ${name} -- cat /usr/share/nginx/html/index.html`,
      '<h1>shop v2.2</h1>',
    );
    await page.screenshot({ path: 'test-results/configmap-lesson.png' });
  } finally {
    for (const path of MADE) await page.request.delete(path);
    await lab.stopAllTraffic();
    await page.request.delete('/api/objects/deployments/default/web-v2');
    for (const cm of ['page-v1', 'page-v2'])
      await page.request.delete(`/api/objects/configmaps/default/${cm}`);
  }
});
