using System.Text;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

public sealed class DeliveryDetailPageTests : PortalComponentTest
{
    public DeliveryDetailPageTests()
        : base(DeliveryPageServices.Add)
    {
    }

    [Fact]
    public void Hostile_payload_text_is_shown_as_inert_text()
    {
        var huge = new string('x', 100_000);
        var body = Encoding.ASCII.GetBytes(
            "{\"action\":\"created\",\"data\":{\"issue\":{\"title\":\"<script>window.__xss=1</script>\",\"permalink\":\"javascript:alert(1)\"," +
            $"\"culprit\":\"<img src=x onerror=alert(1)>\",\"metadata\":{{\"value\":\"{huge}\"}}}}}}}}");
        var delivery = new WebhookDelivery
        {
            Body = body,
            BodySha256 = Guid.NewGuid().ToByteArray(),
            Resource = "issue",
            Action = "created",
            Summary = "<script>window.__xss=2</script>",
            State = DeliveryState.Processed,
            ReceivedAt = DateTimeOffset.UtcNow,
            OrganizationId = TestOrganizationId,
        };
        Store(delivery);
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveryDetailPage>(parameters => parameters.Add(p => p.Id, delivery.Id));

        // A 100 KB payload on an asynchronous database, beside other test processes on two cores: be patient.
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=payload]")), TimeSpan.FromSeconds(15));
        var payload = cut.Find("[data-testid=payload]").TextContent;
        Assert.Contains("<script>window.__xss=1</script>", payload, StringComparison.Ordinal);
        Assert.Contains("javascript:alert(1)", payload, StringComparison.Ordinal);
        Assert.Contains(huge, payload, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.DoesNotContain(cut.FindAll("a"), a => (a.GetAttribute("href") ?? "").StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("<script>window.__xss=2</script>", cut.Find("[data-testid=summary]").TextContent);
    }
}
