using Portal.Automations;
using Portal.Data.Entities;

namespace Portal.Tests.Automations;

/// <summary>
/// CODEOWNERS as GitHub documents it (about-code-owners.md, its example file) and Sentry's matcher applies it:
/// the last matching line wins, anchoring, directories, * and **, case-sensitive paths.
/// </summary>
public sealed class CodeOwnersTests
{
    // GitHub's example CODEOWNERS, trimmed to the lines that disagree with each other.
    private static readonly CodeOwners Example = CodeOwners.Parse("""
        # This is a comment.
        *       @global-owner1 @global-owner2
        *.js    @js-owner #This is an inline comment.
        *.go    docs@example.com
        /build/logs/ @doctocat
        docs/*  docs@example.com
        apps/   @octocat
        /docs/  @doctocat
        /scripts/ @doctocat @octocat
        **/logs @octocat
        /apps/ @octocat
        /apps/github
        !*.secret @nobody
        """);

    [Theory]
    [InlineData("README.md", 2, "@global-owner1 @global-owner2")]
    [InlineData("src/app.js", 3, "@js-owner")]
    [InlineData("SRC/APP.JS", 2, "@global-owner1 @global-owner2")]
    [InlineData("cmd/main.go", 4, "docs@example.com")]
    [InlineData("build/logs/today.txt", 10, "@octocat")]
    [InlineData("deeply/nested/logs/x.txt", 10, "@octocat")]
    [InlineData("docs/getting-started.md", 8, "@doctocat")]
    [InlineData("docs/build-app/troubleshooting.md", 8, "@doctocat")]
    [InlineData("src/apps/readme.txt", 7, "@octocat")]
    [InlineData("apps/web/index.html", 11, "@octocat")]
    [InlineData("apps/github/x.rb", 12, "")]
    [InlineData("scripts/deploy.sh", 9, "@doctocat @octocat")]
    public void The_last_matching_line_decides(string path, int line, string owners)
    {
        var match = Example.Match(path);

        Assert.NotNull(match);
        Assert.Equal((line, owners), (match.Line, string.Join(' ', match.Owners)));
    }

    [Fact]
    public void Unsupported_lines_are_skipped_and_reported()
    {
        Assert.Equal(["line 13: \"!*.secret\" uses a pattern CODEOWNERS does not support (!, [ ], \\#)"], Example.Skipped);
        Assert.Null(CodeOwners.Parse("/docs/ @a").Match("src/x.js"));
    }

    [Theory]
    [InlineData("docs/*", "docs/a.md", true)]
    [InlineData("docs/*", "docs/a/b.md", false)]
    [InlineData("docs/*", "src/docs/a.md", false)]
    [InlineData("*.md", "a/b/c.md", true)]
    [InlineData("src/**/test.py", "src/test.py", true)]
    [InlineData("src/**/test.py", "src/a/b/test.py", true)]
    [InlineData("a?c.txt", "abc.txt", true)]
    [InlineData("a?c.txt", "a/c.txt", false)]
    [InlineData("payments", "src/payments/charge.py", true)]
    [InlineData("/payments", "src/payments/charge.py", false)]
    [InlineData("weird(name).py", "x/weird(name).py", true)]
    public void Patterns_follow_gitignore_rules(string pattern, string path, bool matches)
    {
        Assert.Equal(matches, CodeOwners.Parse($"{pattern} @owner").Match(path) is not null);
    }

    [Theory]
    [InlineData("team:12", "team:12")]
    [InlineData("user:7", "user:7")]
    [InlineData("jane@example.com", "jane@example.com")]
    [InlineData("@jane", null)]
    [InlineData("@acme/payments", null)]
    [InlineData("team:payments", null)]
    [InlineData("user:", null)]
    [InlineData("jane", null)]
    [InlineData("jane@", null)]
    public void Owners_become_what_sentrys_assignee_field_takes(string owner, string? assignee)
    {
        Assert.Equal(assignee, CodeOwners.AsAssignee(owner).Assignee);
    }

    [Theory]
    [InlineData("@jane", "@jane is a GitHub handle; Sentry needs an email, user:<id> or team:<id>")]
    [InlineData("@acme/payments", "@acme/payments is a GitHub team; Sentry needs team:<id>")]
    [InlineData("team:payments", "team:payments: Sentry's user: and team: take a numeric id")]
    [InlineData("jane", "jane is not an email, user:<id> or team:<id>")]
    public void An_owner_sentry_cannot_take_is_passed_over_with_the_reason(string owner, string why)
    {
        Assert.Equal((null, why), CodeOwners.AsAssignee(owner));
    }

    [Theory]
    [InlineData(".github/workflows/ci.yml", ".github/workflows/ci.yml")]
    [InlineData("../lib/x.py", "../lib/x.py")]
    [InlineData("./src/x.py", "src/x.py")]
    [InlineData("././src/x.py", "src/x.py")]
    [InlineData("/srv/app/x.py", "srv/app/x.py")]
    [InlineData("//src/x.py", "src/x.py")]
    [InlineData("app:///src/x.js", "src/x.js")]
    [InlineData("webpack:///./src/x.js", "src/x.js")]
    [InlineData("webpack:///src/x.js", "src/x.js")]
    [InlineData("webpack://src/x.js", "src/x.js")]
    [InlineData("~/src/x.js", "src/x.js")]
    [InlineData(".\\src\\x.cs", "src/x.cs")]
    [InlineData("src/./x.py", "src/./x.py")]
    public void A_frame_no_mapping_covers_loses_only_its_url_prefix_and_leading_dot_and_slash_segments(string file, string path)
    {
        Assert.Equal(path, CodeOwnersRouting.RepositoryPath([], file, null));
    }

    [Fact]
    public void A_dot_directory_in_codeowners_matches_the_frame_that_names_it()
    {
        var owners = CodeOwners.Parse("/.github/ ci@example.com");

        Assert.Equal(1, owners.Match(CodeOwnersRouting.RepositoryPath([], ".github/workflows/ci.yml", null))?.Line);
        Assert.Null(owners.Match(CodeOwnersRouting.RepositoryPath([], "github/workflows/ci.yml", null)));
    }

    [Fact]
    public void A_frame_is_routed_by_its_repository_path_through_the_code_mappings()
    {
        CodeMapping[] mappings = [new CodeMapping { OrganizationId = 1, StackRoot = "webpack:///src/", SourceRoot = "frontend/src", UrlTemplate = "https://github.com/a/b/blob/main/{path}", CreatedBy = "t", CreatedAt = DateTimeOffset.UnixEpoch }];

        Assert.Equal("frontend/src/cart/Total.tsx", CodeOwnersRouting.RepositoryPath(mappings, "webpack:///src/cart/Total.tsx", null));
        Assert.Equal("checkout/views.py", CodeOwnersRouting.RepositoryPath(mappings, "checkout/views.py", null));
    }
}
