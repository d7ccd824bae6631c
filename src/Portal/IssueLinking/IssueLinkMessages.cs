using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.IssueLinking;

/// <summary>
/// Everything the portal may say to a Sentry user in the Link Issue modal (reliability.md U4): Sentry shows the
/// <c>message</c> verbatim after the app's name. Fixed texts only — never an exception, an id of another
/// organization or a host name.
/// </summary>
internal static class IssueLinkMessages
{
    public const string Unreadable = "The portal could not read this request. Try again; if it keeps failing, tell your portal administrator.";
    public const string UnknownInstallation = "The portal does not know this installation. Reinstall the app in Sentry or ask your portal administrator.";
    public const string Uninstalled = "The portal app was uninstalled from this organization. Install it again to link issues.";
    public const string OrganizationUnknown = "The portal is still confirming this installation with Sentry. Try again in a minute.";
    public const string TitleMissing = "Give the ticket a title.";
    public const string TitleTooLong = "The title is too long: at most 255 characters.";
    public const string DescriptionTooLong = "The description is too long: at most 20,000 characters.";
    public const string UnknownPriority = "Pick the priority from the list (High, Medium or Low).";
    public const string UnknownAssignee = "Pick the assignee from the list; the portal does not know that person in this organization.";
    public const string TicketMissing = "Pick a ticket to link.";
    public const string TicketNotFound = "That ticket does not exist in this organization. Pick one from the list.";
    public const string BadDependentData = "The portal could not read the dependent fields of this request.";
    public const string Unavailable = "The portal could not save this just now. Try again in a minute.";

    public static JsonHttpResult<MessageBody> Problem(int statusCode, string message) =>
        TypedResults.Json(new MessageBody(message), statusCode: statusCode);
}
