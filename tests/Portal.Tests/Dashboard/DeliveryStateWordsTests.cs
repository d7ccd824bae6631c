using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

/// <summary>One word per state on every page: the list's chips, its counters, the delivery's own page.</summary>
public sealed class DeliveryStateWordsTests() : PortalComponentTest(DeliveryPageServices.Add)
{
    [Fact]
    public void The_list_calls_each_state_by_the_same_word_as_its_counter()
    {
        Store(
            Delivery("issue", "created", "pending one", DeliveryState.Pending),
            Delivery("issue", "created", "processed one", DeliveryState.Processed),
            Delivery("issue", "created", "retrying one", DeliveryState.Retrying),
            Delivery("installation", "created", "attention one", DeliveryState.NeedsAttention),
            Delivery("issue", "created", "dead one", DeliveryState.Dead));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<DeliveriesPage>();

        cut.WaitForAssertion(() => Assert.Equal(5, cut.FindAll("[data-testid=deliveries] [data-testid=state]").Count), TimeSpan.FromSeconds(5));
        var chips = cut.FindAll("[data-testid=deliveries] [data-testid=state]").Select(chip => chip.TextContent.Trim()).ToList();
        Assert.Equal(["Dead", "Needs attention", "Retrying", "Processed", "Pending"], chips);
        var counters = cut.FindAll(".mud-paper .mud-typography-caption").Select(label => label.TextContent.Trim()).ToList();
        Assert.All(chips, chip => Assert.Contains(chip, counters));
        Assert.DoesNotContain("Failed", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_delivery_page_says_what_a_delivery_that_needs_attention_needs()
    {
        var delivery = Delivery("installation", "created", "acme · acme-portal", DeliveryState.NeedsAttention);
        delivery.LastError = "The installation needs reauthorization: the grant code was refused. Someone in the organization must install the app again from Sentry.";
        Store(delivery);

        var cut = Render<DeliveryDetailPage>(parameters => parameters.Add(p => p.Id, delivery.Id));

        cut.WaitForAssertion(() => Assert.Equal("Needs attention", cut.Find("[data-testid=state]").TextContent.Trim()), TimeSpan.FromSeconds(5));
        Assert.Contains("install the app again", cut.Find("[data-testid=last-error]").TextContent, StringComparison.Ordinal);
    }
}
