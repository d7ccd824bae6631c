using Microsoft.EntityFrameworkCore;
using Portal.Automations;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Automations;

/// <summary>
/// Rules belong to one organization: people see only their organizations' rules and runs, only managers change
/// them, a rule that cannot work is refused with the reason, and an edit reaches processing at once.
/// </summary>
public sealed class ManagingRulesTests : InstallationTestHost
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private AutomationDirectory Rules => Service<AutomationDirectory>();

    [Fact]
    public async Task People_see_and_change_only_their_organizations_rules_and_readers_change_nothing()
    {
        var ours = await InstallAsync("ours-org");
        var theirs = await InstallAsync("theirs-org");
        var (id, problem) = await Rules.SaveAsync(AccessScope.Managing(ours.OrganizationId), null, Draft(ours.OrganizationId), "admin", Cancel);
        Assert.Null(problem);

        Assert.Empty(await Rules.ListAsync(AccessScope.Managing(theirs.OrganizationId), Cancel));
        Assert.Null(await Rules.FindAsync(AccessScope.Managing(theirs.OrganizationId), id!.Value, Cancel));
        Assert.False(await Rules.SetEnabledAsync(AccessScope.Managing(theirs.OrganizationId), id.Value, false, Cancel));
        Assert.False(await Rules.DeleteAsync(AccessScope.Reading(ours.OrganizationId), id.Value, Cancel));
        var (_, refused) = await Rules.SaveAsync(AccessScope.Reading(ours.OrganizationId), id, Draft(ours.OrganizationId) with { Name = "renamed" }, "reader", Cancel);
        Assert.Equal(AccessMessages.ManagersOnly, refused);
        var (_, elsewhere) = await Rules.SaveAsync(AccessScope.Managing(theirs.OrganizationId), null, Draft(ours.OrganizationId), "them", Cancel);
        Assert.Equal("Pick one of your organizations.", elsewhere);

        Assert.Equal(["Assign new KeyErrors"], (await Rules.ListAsync(AccessScope.Reading(ours.OrganizationId), Cancel)).Select(r => r.Rule.Name));
    }

    [Fact]
    public async Task A_rule_that_cannot_work_is_refused_with_the_reason_and_nothing_is_saved()
    {
        var ours = await InstallAsync("strict-org");
        var scope = AccessScope.Managing(ours.OrganizationId);

        var regex = Draft(ours.OrganizationId) with { Conditions = [new RuleCondition { Kind = ConditionKind.Attribute, Field = "culprit", Operator = MatchOperator.Matches, Value = "([" }] };
        var trigger = Draft(ours.OrganizationId) with { Triggers = ["issue.exploded"] };
        var action = Draft(ours.OrganizationId) with { Actions = [new RuleAction { Kind = ActionKind.SetStatus, Value = "done" }] };

        Assert.StartsWith("Condition 1: The regular expression is not valid", (await Rules.SaveAsync(scope, null, regex, "admin", Cancel)).Problem, StringComparison.Ordinal);
        Assert.Equal("\"issue.exploded\" is not a delivery Sentry sends.", (await Rules.SaveAsync(scope, null, trigger, "admin", Cancel)).Problem);
        Assert.Equal("Action 1: A status is resolved, ignored or unresolved.", (await Rules.SaveAsync(scope, null, action, "admin", Cancel)).Problem);
        await using var db = Portal.OpenDatabase();
        Assert.Equal(0, await db.AutomationRules.CountAsync(Cancel));
    }

    [Fact]
    public async Task Turning_a_rule_off_takes_effect_on_the_next_delivery()
    {
        var ours = await InstallAsync("toggle-org");
        var scope = AccessScope.Managing(ours.OrganizationId);
        var (id, _) = await Rules.SaveAsync(scope, null, Draft(ours.OrganizationId) with { Triggers = ["error.created"], Conditions = [] }, "admin", Cancel);
        Assert.Single(await Service<RuleBook>().ForAsync(ours.OrganizationId, Cancel));

        Assert.True(await Rules.SetEnabledAsync(scope, id!.Value, false, Cancel));

        Assert.Empty(await Service<RuleBook>().ForAsync(ours.OrganizationId, Cancel));
    }

    [Fact]
    public async Task Readers_see_where_a_rule_forwards_but_not_the_hook_urls_secret_path()
    {
        var ours = await InstallAsync("hooks-org");
        var forward = Draft(ours.OrganizationId) with { Actions = [new RuleAction { Kind = ActionKind.Forward, Url = "https://hooks.example.com/services/T000/B000/XXXXsecret" }] };
        var (id, problem) = await Rules.SaveAsync(AccessScope.Managing(ours.OrganizationId), null, forward, "admin", Cancel);
        Assert.Null(problem);

        var managed = await Rules.FindAsync(AccessScope.Managing(ours.OrganizationId), id!.Value, Cancel);
        var read = await Rules.FindAsync(AccessScope.Reading(ours.OrganizationId), id.Value, Cancel);

        Assert.Equal("https://hooks.example.com/services/T000/B000/XXXXsecret", Assert.Single(RuleJson.Actions(managed!.Actions)).Url);
        Assert.Equal("https://hooks.example.com", Assert.Single(RuleJson.Actions(read!.Actions)).Url);
    }

    protected override void Configure(PortalFactory portal) => portal.Settings[ForwardDestinations.ConfigurationKey] = "hooks.example.com";

    private static RuleDraft Draft(long organizationId) => new()
    {
        OrganizationId = organizationId,
        Name = "Assign new KeyErrors",
        Enabled = true,
        Mode = AutomationMode.Live,
        Triggers = ["issue.created"],
        Conditions = [new RuleCondition { Kind = ConditionKind.Attribute, Field = "exception.type", Operator = MatchOperator.Equals, Value = "KeyError" }],
        Actions = [new RuleAction { Kind = ActionKind.Assign, Assignee = "team:7" }],
    };
}
