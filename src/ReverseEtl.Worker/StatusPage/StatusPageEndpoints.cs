using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>
/// The read-only status page at <c>/status</c> (and <c>/</c>, which leads there), mapped only when <c>RETL_UI_TOKEN</c>
/// is set: without the token it answers 401 and says nothing else. <c>?token=</c> sets the cookie and redirects to the
/// address without it, so the token leaves the address bar and the history.
/// </summary>
internal static class StatusPageEndpoints
{
    public const string Path = "/status";

    /// <summary>What the page reads: the project, the state store, the schedules and the warehouse of the activation model.</summary>
    public static IServiceCollection AddStatusPage(this IServiceCollection services) => services
        .AddSingleton<OperationsReader>()
        .AddSingleton<ActivationReader>()
        .AddSingleton(sp => new ActivationCache(sp.GetRequiredService<ActivationReader>().ReadAsync, sp.GetRequiredService<TimeProvider>()))
        .AddSingleton<StatusPageRenderer>();

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder endpoints, IServiceProvider services, string token)
    {
        var gate = new UiToken(token, services.GetRequiredService<TimeProvider>());
        var page = services.GetRequiredService<StatusPageRenderer>();
        endpoints.MapGet("/", context => Redirect(context));
        endpoints.MapGet(Path, async context =>
        {
            if (context.Request.Query.TryGetValue("token", out var given))
            {
                if (!gate.Matches(given.ToString()))
                {
                    await UnauthorizedAsync(context);
                    return;
                }

                context.Response.Cookies.Append(UiToken.CookieName, gate.IssueCookie(), new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = context.Request.IsHttps, MaxAge = UiToken.CookieLife,
                });
                await Redirect(context);
                return;
            }

            if (!gate.Allows(context.Request))
            {
                await UnauthorizedAsync(context);
                return;
            }

            var html = await page.RenderAsync(context.RequestAborted);
            Secure(context.Response, "text/html; charset=utf-8");
            await context.Response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
        });
        return endpoints;
    }

    private static Task Redirect(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(Path);
        return Task.CompletedTask;
    }

    private static Task UnauthorizedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        Secure(context.Response, "text/plain; charset=utf-8");
        return context.Response.WriteAsync("The status page needs the token set in RETL_UI_TOKEN: send it as 'Authorization: Bearer <token>', or open /status?token=<token> once in a browser.\n", Encoding.UTF8, context.RequestAborted);
    }

    // Nothing from elsewhere: inline styles and inline SVG only, no script, no frame, no cache.
    private static void Secure(HttpResponse response, string contentType)
    {
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
