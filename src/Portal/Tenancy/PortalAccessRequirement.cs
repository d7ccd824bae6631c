using Microsoft.AspNetCore.Authorization;

namespace Portal.Tenancy;

/// <summary>The fallback policy's requirement: a signed-in person who may see at least one organization.</summary>
internal sealed class PortalAccessRequirement : IAuthorizationRequirement;
