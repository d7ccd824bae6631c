using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.SignIn;
using Portal.StacktraceLinks;
using Portal.Tests.TestSupport;

namespace Portal.Tests.StacktraceLinks;

public sealed class CodeMappingsPageTests() : PortalComponentTest(services =>
{
    services.AddOptions<StacktraceLinkOptions>();
    services.AddSingleton<CodeMappingDirectory>();
})
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public void An_admin_adds_a_mapping_and_a_frame_shows_where_it_opens()
    {
        Install("acme");
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
        Install("acme");
        Render<MudBlazor.MudPopoverProvider>();
        var provider = Render<MudBlazor.MudSnackbarProvider>();
        var cut = Render<CodeMappingsPage>();

        Fill(cut, "add-template", "https://evil.example/{path}");
        cut.Find("[data-testid=add-mapping]").Click();

        cut.WaitForAssertion(() => Assert.Contains("evil.example is not among the code hosts", provider.Markup, StringComparison.Ordinal), Patience);
        Assert.Empty(cut.FindAll("[data-testid=mapping]"));
    }

    [Fact]
    public async Task A_member_sees_and_changes_only_their_organizations_mappings()
    {
        Install("acme");
        Install("globex");
        using (var db = OpenDatabase())
        {
            db.CodeMappings.Add(new CodeMapping { OrganizationSlug = "globex", StackRoot = "", SourceRoot = "", UrlTemplate = "https://github.com/globex/x/blob/main/{path}", CreatedBy = "t", CreatedAt = DateTimeOffset.UtcNow });
            db.SaveChanges();
        }

        Authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, "7"), new Claim(ClaimTypes.Name, "Jane"), new Claim(SentryClaimTypes.Organization, "acme"));
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<CodeMappingsPage>();
        var directory = Services.GetRequiredService<CodeMappingDirectory>();
        var acme = new AccessScope(false, new HashSet<string> { "acme" });

        Assert.Empty(cut.FindAll("[data-testid=mapping]"));
        Assert.False(await directory.DeleteAsync(acme, 1, TestContext.Current.CancellationToken));
        Assert.Equal("You are not an admin of that organization.",
            await directory.AddAsync(acme, new CodeMappingDraft("globex", null, "", "", "https://github.com/x/y/blob/main/{path}"), "Jane", TestContext.Current.CancellationToken));
    }

    private static void Fill(IRenderedComponent<CodeMappingsPage> cut, string testId, string value) =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input").Input(value);

    private void Install(string organization)
    {
        using var db = OpenDatabase();
        db.Installations.Add(new Installation { Uuid = Guid.NewGuid(), AppSlug = "portal", OrganizationSlug = organization, Status = InstallationStatus.Installed, InstalledAt = DateTimeOffset.UtcNow });
        db.SaveChanges();
    }
}
