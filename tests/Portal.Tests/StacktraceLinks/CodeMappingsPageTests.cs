using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Tenancy;
using Portal.StacktraceLinks;
using Portal.Tests.TestSupport;

namespace Portal.Tests.StacktraceLinks;

public sealed class CodeMappingsPageTests() : PortalComponentTest(services =>
{
    services.AddOptions<StacktraceLinkOptions>();
    services.AddSingleton<CodeMappingDirectory>();
})
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public void An_admin_adds_a_mapping_and_a_frame_shows_where_it_opens()
    {
        Install(Acme, "acme");
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<CodeMappingsPage>();

        Fill(cut, "add-stack-root", "webpack:///src/");
        Fill(cut, "add-source-root", "frontend/src");
        Fill(cut, "add-template", "https://github.com/acme/web/blob/main/{path}#L{line}");
        cut.Find("[data-testid=add-mapping]").Click();

        cut.WaitForAssertion(() => Assert.Contains("webpack:///src/", Assert.Single(cut.FindAll("[data-testid=mapping]")).TextContent, StringComparison.Ordinal), Patience);
        Fill(cut, "try-file", "webpack:///src/cart/Total Price.tsx");
        cut.WaitForAssertion(() => Assert.Equal("https://github.com/acme/web/blob/main/frontend/src/cart/Total%20Price.tsx#L1", cut.Find("[data-testid=try-result]").TextContent.Trim()), Patience);
    }

    [Fact]
    public void A_template_on_a_host_the_operator_did_not_allow_is_refused_with_the_reason()
    {
        Install(Acme, "acme");
        Render<MudBlazor.MudPopoverProvider>();
        var provider = Render<MudBlazor.MudSnackbarProvider>();
        var cut = Render<CodeMappingsPage>();

        Fill(cut, "add-template", "https://evil.example/{path}");
        cut.Find("[data-testid=add-mapping]").Click();

        cut.WaitForAssertion(() => Assert.Contains("evil.example is not among the code hosts", provider.Markup, StringComparison.Ordinal), Patience);
        Assert.Empty(cut.FindAll("[data-testid=mapping]"));
    }

    [Fact]
    public async Task A_member_sees_only_their_organizations_mappings_and_only_a_manager_changes_them()
    {
        Install(Acme, "acme");
        Install(Globex, "globex");
        int acmeMapping;
        using (var db = OpenDatabase())
        {
            db.CodeMappings.Add(Mapping(Globex, "https://github.com/globex/x/blob/main/{path}"));
            var acme = Mapping(Acme, "https://github.com/acme/x/blob/main/{path}");
            db.CodeMappings.Add(acme);
            db.SaveChanges();
            acmeMapping = acme.Id;
        }

        SignInAsMember((Acme, "member"));
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<CodeMappingsPage>();
        var directory = Services.GetRequiredService<CodeMappingDirectory>();
        var member = AccessScope.Reading(Acme);
        var manager = AccessScope.Managing(Acme);

        cut.WaitForAssertion(() => Assert.Contains("github.com/acme", Assert.Single(cut.FindAll("[data-testid=mapping]")).TextContent, StringComparison.Ordinal), Patience);
        Assert.True(cut.Find("[data-testid=delete-mapping]").HasAttribute("disabled"));
        Assert.Contains(AccessMessages.ManagersOnly, cut.Find("[data-testid=managers-only]").TextContent, StringComparison.Ordinal);
        Assert.False(await directory.DeleteAsync(member, acmeMapping, TestContext.Current.CancellationToken));
        Assert.Equal(AccessMessages.ManagersOnly, await directory.AddAsync(member, Draft(Acme), "Jane", TestContext.Current.CancellationToken));
        Assert.Equal("Pick one of your organizations.", await directory.AddAsync(manager, Draft(Globex), "Jane", TestContext.Current.CancellationToken));
        Assert.Null(await directory.AddAsync(manager, Draft(Acme), "Jane", TestContext.Current.CancellationToken));
        Assert.True(await directory.DeleteAsync(manager, acmeMapping, TestContext.Current.CancellationToken));
    }

    private const long Acme = 42;
    private const long Globex = 43;

    private static CodeMapping Mapping(long organization, string template) =>
        new() { OrganizationId = organization, StackRoot = "", SourceRoot = "", UrlTemplate = template, CreatedBy = "t", CreatedAt = DateTimeOffset.UtcNow };

    private static CodeMappingDraft Draft(long organization) => new(organization, "web", "app:///", "", "https://github.com/x/y/blob/main/{path}");

    private static void Fill(IRenderedComponent<CodeMappingsPage> cut, string testId, string value) =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input").Input(value);
}
