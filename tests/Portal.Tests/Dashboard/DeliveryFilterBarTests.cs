using MudBlazor;
using Portal.Dashboard;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Tenancy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Dashboard;

public sealed class DeliveryFilterBarTests : PortalComponentTest
{
    private DeliveryFilter? raised;

    [Theory]
    [InlineData("issue", "resolved", "comment", null)]
    [InlineData("issue", "created", "comment", "created")]
    [InlineData("issue", "resolved", null, "resolved")]
    public async Task Another_resource_keeps_the_chosen_action_only_if_it_has_it(string resource, string action, string? newResource, string? keptAction)
    {
        var cut = RenderBar(new DeliveryFilter(Resource: resource, Action: action, Text: "needle"));

        await cut.InvokeAsync(() => Select<string>(cut, "resource-filter").ValueChanged.InvokeAsync(newResource));

        Assert.Equal(new DeliveryFilter(Resource: newResource, Action: keptAction, Text: "needle"), raised);
    }

    [Fact]
    public async Task A_chosen_state_is_raised_with_the_rest_of_the_filter()
    {
        var cut = RenderBar(new DeliveryFilter(Flag: "orphan", Organization: TestOrganizationId));

        await cut.InvokeAsync(() => Select<DeliveryState?>(cut, "state-filter").ValueChanged.InvokeAsync(DeliveryState.NeedsAttention));

        Assert.Equal(new DeliveryFilter(State: DeliveryState.NeedsAttention, Flag: "orphan", Organization: TestOrganizationId), raised);
    }

    private IRenderedComponent<DeliveryFilterBar> RenderBar(DeliveryFilter filter) =>
        Render<DeliveryFilterBar>(parameters => parameters
            .Add(p => p.Filter, filter)
            .Add(p => p.FilterChanged, (DeliveryFilter changed) => raised = changed)
            .Add(p => p.Organizations, [new OrganizationChoice(TestOrganizationId, "test-org")]));

    private static MudSelect<T> Select<T>(IRenderedComponent<DeliveryFilterBar> cut, string testId) =>
        cut.FindComponents<MudSelect<T>>().Single(select => (string?)select.Instance.UserAttributes.GetValueOrDefault("data-testid") == testId).Instance;
}
