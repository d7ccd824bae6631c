using System.Text;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

public sealed class DeliveryDiffPageTests : PortalComponentTest
{
    public DeliveryDiffPageTests()
        : base(DeliveryPageServices.Add)
    {
    }

    [Fact]
    public void Two_deliveries_are_compared_line_by_line_as_inert_text()
    {
        var first = Stored("{\"action\":\"unresolved\",\"data\":{\"issue\":{\"title\":\"<script>x</script>\",\"status\":\"unresolved\"}}}");
        var second = Stored("{\"action\":\"resolved\",\"data\":{\"issue\":{\"title\":\"<script>x</script>\",\"status\":\"resolved\"}}}");

        var cut = Render<DeliveryDiffPage>(parameters => parameters.Add(p => p.Id, first.Id).Add(p => p.OtherId, second.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=diff]")));
        Assert.Equal(["−   \"action\": \"unresolved\",", "−       \"status\": \"unresolved\""], cut.FindAll("[data-kind=Removed]").Select(e => e.TextContent));
        Assert.Equal(["+   \"action\": \"resolved\",", "+       \"status\": \"resolved\""], cut.FindAll("[data-kind=Added]").Select(e => e.TextContent));
        Assert.Contains("<script>x</script>", cut.Find("[data-testid=diff]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=diff] script"));
    }

    private WebhookDelivery Stored(string json)
    {
        var delivery = new WebhookDelivery
        {
            Body = Encoding.UTF8.GetBytes(json),
            BodySha256 = Guid.NewGuid().ToByteArray(),
            Resource = "issue",
            Action = "resolved",
            State = DeliveryState.Processed,
            ReceivedAt = DateTimeOffset.UtcNow,
            OrganizationId = TestOrganizationId,
        };
        Store(delivery);
        return delivery;
    }
}
