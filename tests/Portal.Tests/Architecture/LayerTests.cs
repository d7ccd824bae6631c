using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Portal.Tests.Architecture;

/// <summary>
/// The folders of src/Portal form layers (docs/architecture.md): each may depend on the ones below it, never on one
/// above. Checked on the compiled assembly, so a dependency written with a fully qualified name counts as much as a
/// <c>using</c> line.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Bottom first. The foundation (Scaleout, Tenancy, SentryPlatform, Shell) depends on no feature.</summary>
    public static readonly string[] Layers =
    [
        "Scaleout", "Tenancy", "SentryPlatform", "Shell",
        "Realtime", "Installations", "SignIn", "Webhooks", "Dashboard", "ServiceHooks", "StacktraceLinks",
        "Tickets", "IssueLinking", "AlertRuleActions", "Automations", "AppSetup", "Simulation",
    ];

    private static readonly System.Reflection.Assembly Portal = typeof(Program).Assembly;

    public static TheoryData<string> Folders => [.. Layers];

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_depends_on_no_folder_above_it(string folder)
    {
        var above = Layers.SkipWhile(layer => layer != folder).Skip(1).Select(layer => $"Portal.{layer}").ToArray();

        var result = Types.InAssembly(Portal).That().ResideInNamespaceMatching($"^Portal\\.{Regex.Escape(folder)}(\\.|$)")
            .Should().NotHaveDependencyOnAny(above).GetResult();

        Assert.True(result.IsSuccessful,
            $"{folder} depends on a folder above it: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }

    [Fact]
    public void Every_folder_of_the_portal_has_its_place_in_the_layers()
    {
        var folders = Portal.GetTypes()
            .Select(type => type.Namespace)
            .Where(name => name is not null && name.StartsWith("Portal.", StringComparison.Ordinal))
            .Select(name => name!.Split('.')[1])
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(Layers.Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public void The_rule_sees_a_dependency_written_with_a_qualified_name_and_no_using_line()
    {
        // HandlerOutcome names Installations.InstallationOrganizations without a using line (so did the four
        // back-edges this rule was written against); the check reads the compiled types, not the usings.
        var result = Types.InAssembly(Portal).That().HaveName("HandlerOutcome")
            .Should().NotHaveDependencyOnAny("Portal.Installations").GetResult();

        Assert.False(result.IsSuccessful);
    }
}
