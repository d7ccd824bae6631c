using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.AlertRuleActions;

/// <summary>
/// The alert-rule action against the real host: Sentry's settings check before a rule is saved, and the tickets
/// event_alert and metric_alert webhooks open, update and resolve — with the sample bodies as Sentry sends them.
/// </summary>
public sealed class AlertRuleActionTests : IAsyncLifetime
{
    private readonly PortalFactory portal = new();
    private HttpClient client = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        client = portal.CreateClient();

        // Recorded from the signed payload (the grant exchange fails: Sentry is a closed port here).
        // (it keeps retrying the exchange, so it is not "processed"; the installation row is what matters here).
        using (var install = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.installation.created.json")), Cancel))
        {
            Assert.Equal(HttpStatusCode.Accepted, install.StatusCode);
        }

        await Eventually.TrueAsync(async () =>
        {
            await using var db = portal.OpenDatabase();
            return await db.Installations.AnyAsync(Cancel);
        }, "the installation recorded");
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task Settings_are_accepted_only_when_a_ticket_could_be_made_from_them()
    {
        var sample = Sample("ui.alert-rule-action.json");

        var unknownAssignee = await ValidateAsync(sample);
        await using (var db = portal.OpenDatabase())
        {
            db.OrganizationPeople.Add(new OrganizationPerson { OrganizationId = 5, SentryUserId = "7", Name = "Bob", LastSeenAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(Cancel);
        }

        var saved = await ValidateAsync(sample);
        var noTitle = await ValidateAsync(Encoding.ASCII.GetBytes("""{"fields":[{"name":"priority","value":"high"}],"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}"""));
        var badPriority = await ValidateAsync(Encoding.ASCII.GetBytes("""{"fields":[{"name":"title","value":"x"},{"name":"priority","value":"urgent"}],"installationId":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}"""));
        var unknownInstallation = await ValidateAsync(Encoding.ASCII.GetBytes("""{"fields":[{"name":"title","value":"x"}],"installationId":"ffffffff-0000-4000-8000-000000000000"}"""));

        Assert.Equal((400, "Pick the assignee from the list; the portal does not know that person in this organization."), unknownAssignee);
        Assert.Equal((200, "Saved: the portal opens a ticket when this alert fires."), saved);
        Assert.Equal((400, "Give the tickets this alert opens a title."), noTitle);
        Assert.Equal((400, "Pick the priority from the list (High, Medium or Low)."), badPriority);
        Assert.Equal(404, unknownInstallation.Status);
    }

    [Fact]
    public async Task A_bad_signature_is_refused()
    {
        var body = Sample("ui.alert-rule-action.json");
        using var request = SignedRequests.UiComponent("/sentry/alert-rule-action", body, "not-the-secret");

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_issue_alert_opens_a_ticket_for_rule_and_issue_and_firing_again_updates_and_reopens_it()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var first = Sample("webhook.event_alert.triggered.json");

        await DeliverAsync(first, "event_alert", now);
        var ticket = await SingleTicketAsync();
        Assert.Equal("Checkout is failing", ticket.Title);
        Assert.Equal(TicketPriority.High, ticket.Priority);
        Assert.Equal("Alert rule “Checkout errors”", ticket.CreatedBy);
        Assert.Equal(1170820242, Assert.Single(ticket.Links).SentryIssueId);

        await using (var db = portal.OpenDatabase())
        {
            await db.Tickets.ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TicketStatus.Resolved), Cancel);
        }

        // The same rule fires again for the same issue (a new event), and once more as a duplicate delivery.
        var again = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(first).Replace("bb78c1407cea4519aa397afc059c793d", "cc78c1407cea4519aa397afc059c793d", StringComparison.Ordinal));
        await DeliverAsync(again, "event_alert", now + 60);
        await DeliverAsync(again, "event_alert", now + 60, duplicate: true);

        ticket = await SingleTicketAsync();
        Assert.Equal(TicketStatus.Open, ticket.Status);
        Assert.Contains(ticket.Comments, c => c.Text.StartsWith("Fired again", StringComparison.Ordinal));
        Assert.Single(ticket.Comments);
    }

    [Fact]
    public async Task A_metric_alert_opens_one_ticket_per_incident_and_resolving_it_resolves_the_ticket_whatever_the_order()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await DeliverAsync(Sample("webhook.metric_alert.critical.json"), "metric_alert", now);
        await DeliverAsync(Sample("webhook.metric_alert.warning.json"), "metric_alert", now + 30);
        var ticket = await SingleTicketAsync();
        Assert.Equal("Checkout is failing", ticket.Title);
        Assert.Equal(TicketStatus.Open, ticket.Status);

        await DeliverAsync(Sample("webhook.metric_alert.resolved.json"), "metric_alert", now + 60);
        Assert.Equal(TicketStatus.Resolved, (await SingleTicketAsync()).Status);

        // A critical sent before the resolution but delivered after it (a retry) does not reopen the ticket.
        var late = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Sample("webhook.metric_alert.critical.json")).Replace("Critical: Too many errors", "Critical: Too many errors ", StringComparison.Ordinal));
        await DeliverAsync(late, "metric_alert", now + 10);
        Assert.Equal(TicketStatus.Resolved, (await SingleTicketAsync()).Status);
    }

    [Theory]
    [InlineData("critical", "Payments are down", TicketPriority.High)]
    [InlineData("warning", "Payments are slow", TicketPriority.Low)]
    public async Task A_metric_alert_in_Sentrys_own_shape_opens_the_ticket_its_action_was_saved_with(string level, string title, TicketPriority priority)
    {
        var body = MetricAlertAsSentrySends(level);

        await DeliverAsync(body, "metric_alert", DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var ticket = await SingleTicketAsync();
        Assert.Equal((title, priority), (ticket.Title, ticket.Priority));
    }

    // data.metric_alert as build_incident_attachment sends it: the incident serialised and snake_cased all the way down
    // (convert_dict_key_case), each trigger's actions as AlertRuleTriggerActionSerializer / WorkflowEngineActionSerializer
    // write them (src/sentry/incidents/endpoints/serializers/): type "sentry_app", sentry_app_id, settings — and no
    // installation uuid. Another app's action on the same trigger comes first.
    private static byte[] MetricAlertAsSentrySends(string level) => Encoding.ASCII.GetBytes(
        "{\"action\":\"" + level + "\",\"installation\":{\"uuid\":\"a8e5d37a-696c-4c54-adb5-b3f28d64c7de\"},\"data\":{" +
        "\"metric_alert\":{\"id\":\"9\",\"identifier\":\"31\",\"organization_id\":\"5\",\"projects\":[\"payments\"],\"status\":2,\"status_method\":3,\"type\":2,\"title\":\"Payment errors\"," +
        "\"date_started\":\"2026-12-01T10:00:00.000000Z\",\"date_detected\":\"2026-12-01T10:00:00.000000Z\",\"date_created\":\"2026-12-01T10:00:00.000000Z\",\"date_closed\":null," +
        "\"alert_rule\":{\"id\":\"17\",\"name\":\"Payment errors\",\"organization_id\":\"5\",\"dataset\":\"events\",\"query\":\"\",\"aggregate\":\"count()\",\"time_window\":10," +
        "\"threshold_type\":0,\"resolve_threshold\":null,\"threshold_period\":1,\"environment\":null,\"projects\":[\"payments\"],\"include_all_projects\":false,\"status\":0," +
        "\"date_modified\":\"2026-11-30T09:00:00.000000Z\",\"date_created\":\"2026-11-30T09:00:00.000000Z\",\"created_by\":null,\"triggers\":[" +
        Trigger("critical", Action("61", 77, "Another app's ticket", "low") + "," + Action("62", 42, "Payments are down", "high")) + "," +
        Trigger("warning", Action("63", 42, "Payments are slow", "low")) +
        "]}},\"description_text\":\"120 events in the last 10 minutes\",\"description_title\":\"Critical: Payment errors\",\"web_url\":\"https://test-org.sentry.io/organizations/test-org/alerts/rules/details/17/\"}," +
        "\"actor\":{\"type\":\"application\",\"id\":\"sentry\",\"name\":\"Sentry\"}}");

    private static string Trigger(string label, string actions) =>
        "{\"id\":\"" + (label == "critical" ? "51" : "52") + "\",\"alert_rule_id\":\"17\",\"label\":\"" + label + "\",\"threshold_type\":0,\"alert_threshold\":100.0,\"resolve_threshold\":null," +
        "\"date_created\":\"2026-11-30T09:00:00.000000Z\",\"actions\":[" + actions + "]}";

    private static string Action(string id, int app, string title, string priority) =>
        "{\"id\":\"" + id + "\",\"alert_rule_trigger_id\":\"51\",\"type\":\"sentry_app\",\"target_type\":\"sentry_app\",\"target_identifier\":" + app +
        ",\"input_channel_id\":null,\"integration_id\":null,\"sentry_app_id\":" + app + ",\"date_created\":\"2026-11-30T09:00:00.000000Z\"," +
        "\"desc\":\"Send a notification via App " + app + "\",\"priority\":null,\"settings\":[{\"name\":\"title\",\"value\":\"" + title + "\"},{\"name\":\"priority\",\"value\":\"" + priority + "\"}]}";

    private static byte[] Sample(string file) => File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file));

    private async Task<(int Status, string Message)> ValidateAsync(byte[] body)
    {
        using var response = await client.SendAsync(SignedRequests.UiComponent("/sentry/alert-rule-action", body), Cancel);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        return ((int)response.StatusCode, json.GetProperty("message").GetString()!);
    }

    private async Task DeliverAsync(byte[] body, string resource, long at, bool duplicate = false)
    {
        using var request = SignedRequests.Webhook(resource, body, timestamp: at.ToString(CultureInfo.InvariantCulture));
        using var response = await client.SendAsync(request, Cancel);
        Assert.Equal(duplicate ? HttpStatusCode.OK : HttpStatusCode.Accepted, response.StatusCode);
        await portal.ProcessedDeliveryAsync(body);
    }

    private async Task<Ticket> SingleTicketAsync()
    {
        await using var db = portal.OpenDatabase();
        return await db.Tickets.AsNoTracking().Include(t => t.Links).Include(t => t.Comments).SingleAsync(Cancel);
    }
}
