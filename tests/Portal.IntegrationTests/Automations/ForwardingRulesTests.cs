using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Portal.Automations;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Automations;

/// <summary>
/// A rule forwards deliveries to a real HTTP receiver on loopback (allowed by name, as an operator would):
/// the body as Sentry sent it, signed per Standard Webhooks with the rule's secret, one webhook-id across retries,
/// redirects never followed, and destinations the operator did not allow refused when the rule is saved.
/// </summary>
public sealed class ForwardingRulesTests : InstallationTestHost
{
    private readonly ConcurrentQueue<(string Path, Dictionary<string, string> Headers, byte[] Body)> received = new();
    private readonly ConcurrentQueue<int> answers = new();
    private WebApplication? receiver;
    private string receiverUrl = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        receiver = builder.Build();
        receiver.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            // Copied: Kestrel reuses the request's header collection once the request ends.
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            received.Enqueue((context.Request.Path.Value ?? "", headers, body.ToArray()));
            var status = answers.TryDequeue(out var next) ? next : 204;
            if (status == 302)
            {
                context.Response.Headers.Location = "/elsewhere";
            }

            context.Response.StatusCode = status;
        });
        await receiver.StartAsync();
        receiverUrl = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (receiver is not null)
        {
            await receiver.DisposeAsync();
        }
    }

    // The receiver listens on a random port, which the operator must list along with the host (only 443 and 80 otherwise).
    private string ReceiverDestination => $"127.0.0.1:{new Uri(receiverUrl).Port.ToString(CultureInfo.InvariantCulture)}";

    protected override void Configure(PortalFactory portal) => portal.Settings[ForwardDestinations.ConfigurationKey] = ReceiverDestination;

    [Fact]
    public async Task A_forward_carries_sentrys_bytes_signed_with_the_rules_secret_and_keeps_its_id_across_retries()
    {
        var installation = await InstallAsync("forward-org");
        var (id, secret) = await AddForwardRuleAsync(installation, $"{receiverUrl}/hooks/sentry");
        answers.Enqueue(500);
        var body = SampleFor(installation, "webhook.error.created.json", "820000001");

        await SendDeliveryAsync("error", body);
        await Portal.ProcessedDeliveryAsync(body);
        var failed = Assert.Single(await Portal.SettledRunsAsync(1));
        Assert.Equal(AutomationRunOutcome.Failed, failed.Outcome);
        Assert.Contains("→ 500", RuleJson.Results(failed.Results)[0].Detail, StringComparison.Ordinal);
        Time.Advance(failed.NextAttemptAt!.Value - Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(() => Task.FromResult(received.Count == 2), "the forward tried again");
        await Portal.SettledRunsAsync(1);

        var attempts = received.ToList();
        Assert.Equal(2, attempts.Count);
        var (path, headers, forwarded) = attempts[1];
        Assert.Equal("/hooks/sentry", path);
        Assert.Equal(body, forwarded);
        Assert.StartsWith("msg_portal_", headers["webhook-id"], StringComparison.Ordinal);
        Assert.Equal(attempts[0].Headers["webhook-id"], headers["webhook-id"]);
        Assert.Equal("error", headers["Sentry-Hook-Resource"]);
        var timestamp = long.Parse(headers["webhook-timestamp"]!, CultureInfo.InvariantCulture);
        Assert.Equal(StandardWebhookSignature.Sign(secret, headers["webhook-id"], timestamp, forwarded), headers["webhook-signature"]);
        await using var db = Portal.OpenDatabase();
        var run = await db.AutomationRuns.SingleAsync(r => r.RuleId == id, Cancel);
        Assert.Equal(AutomationRunOutcome.Acted, run.Outcome);
        Assert.StartsWith($"forwarded: POST {receiverUrl} → 204", RuleJson.Results(run.Results)[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_forward()
    {
        var installation = await InstallAsync("redirect-org");
        await AddForwardRuleAsync(installation, $"{receiverUrl}/moved");
        answers.Enqueue(302);
        var body = SampleFor(installation, "webhook.error.created.json", "820000002");

        await SendDeliveryAsync("error", body);
        await Portal.ProcessedDeliveryAsync(body);
        var failed = RuleJson.Results(Assert.Single(await Portal.SettledRunsAsync(1)).Results)[0];

        Assert.Equal(ActionResult.Failed, failed.Status);
        Assert.Contains("302 in", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("a redirect, not followed", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(["/moved"], received.Select(r => r.Path));
    }

    [Fact]
    public async Task A_destination_the_operator_did_not_allow_is_refused_when_the_rule_is_saved()
    {
        var installation = await InstallAsync("refused-org");
        var draft = Draft(installation, "https://169.254.169.254/latest/meta-data");

        var (id, problem) = await Service<AutomationDirectory>().SaveAsync(AccessScope.Managing(installation.OrganizationId), null, draft, "admin", Cancel);

        Assert.Null(id);
        Assert.Equal($"Action 1: 169.254.169.254 is not an allowed destination (Automations:AllowedDestinations: {ReceiverDestination}).", problem);
    }

    [Fact]
    public async Task A_port_the_operator_did_not_list_is_refused_when_the_rule_is_saved()
    {
        var installation = await InstallAsync("port-org");
        var draft = Draft(installation, "http://127.0.0.1:22/x");

        var (id, problem) = await Service<AutomationDirectory>().SaveAsync(AccessScope.Managing(installation.OrganizationId), null, draft, "admin", Cancel);

        Assert.Null(id);
        Assert.Equal("Action 1: Port 22 of 127.0.0.1 is not allowed: only 443 and 80, unless the operator lists 127.0.0.1:22 (Automations:AllowedDestinations).", problem);
    }

    private async Task<(int Id, string Secret)> AddForwardRuleAsync(FakeInstallation installation, string url)
    {
        var scope = AccessScope.Managing(installation.OrganizationId);
        var directory = Service<AutomationDirectory>();
        var (id, problem) = await directory.SaveAsync(scope, null, Draft(installation, url), "admin", Cancel);
        Assert.Null(problem);
        return (id!.Value, (await directory.SigningSecretAsync(scope, id.Value, Cancel))!);
    }

    private static RuleDraft Draft(FakeInstallation installation, string url) => new()
    {
        OrganizationId = installation.OrganizationId,
        Name = "Forward errors",
        Enabled = true,
        Mode = AutomationMode.Live,
        Triggers = ["error.created"],
        Actions = [new RuleAction { Kind = ActionKind.Forward, Url = url }],
    };
}
