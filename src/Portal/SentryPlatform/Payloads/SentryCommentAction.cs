namespace Portal.SentryPlatform.Payloads;

/// <summary>What a <c>comment.*</c> webhook says happened to the comment.</summary>
internal enum SentryCommentAction
{
    Created,
    Updated,
    Deleted,
}
