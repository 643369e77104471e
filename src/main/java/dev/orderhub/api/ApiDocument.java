package dev.orderhub.api;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.orderhub.security.RoleCheck;
import dev.orderhub.security.Role;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;

/**
 * The API's OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html};
 * springdoc reads the controllers): its title and version, the API key as a bearer scheme
 * required by every operation but the signed webhooks, the role each operation needs, and the
 * one error shape ({@link ApiError}) as a shared schema that every documented 4xx and 5xx
 * answer refers to.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDocument {

    /** The security scheme's name in the document. */
    public static final String API_KEY = "apiKey";
    /** The error body's schema name in the document. */
    public static final String ERROR_SCHEMA = "ApiError";
    private static final String ERROR_REF = "#/components/schemas/" + ERROR_SCHEMA;

    @Bean
    OpenAPI orderhubOpenApi() {
        return new OpenAPI()
                .info(new Info().title("orderhub API").version("1")
                        .description("Orders, stock, channels and exceptions of the orderhub multichannel hub (API contract v1). "
                                + "Every call needs `Authorization: Bearer <api key>` with the role named in the operation, "
                                + "except the channels' signed webhooks. Lists answer `{\"items\": [...], \"next\": cursor or null}`: "
                                + "pass `next` back as `cursor` for the following page. Every error is `{\"error\", \"detail\"}`.")
                        .license(new License().name("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("API key (ohk_...) or a JWT of the configured identity provider")
                                .description("An API key made with POST /api/keys or `keys create`; see docs/security.md"))
                        .addSchemas(ERROR_SCHEMA, new ObjectSchema()
                                .description("The one error shape of the API: a short code and what was wrong, and where")
                                .addProperty("error", new StringSchema().description("a short code, e.g. invalid_field, "
                                        + "unauthorized, forbidden, not_found, conflict").example("not_found"))
                                .addProperty("detail", new StringSchema().description("what was wrong, naming the field or "
                                        + "resource").example("order oh-000000000000000000000000 does not exist"))
                                .required(List.of("error", "detail"))))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY));
    }

    /**
     * Per operation: the roles it needs (in its description and as {@code x-orderhub-roles}),
     * no security requirement for one that needs no key, and the error answers it can give.
     */
    @Bean
    GlobalOperationCustomizer orderhubOperations() {
        return (operation, handler) -> {
            operation.setOperationId(operationId(handler));
            RoleCheck.Access access = RoleCheck.access(handler);
            if (access != null && access.openBecause() != null) {
                operation.setSecurity(List.of());
                operation.setDescription(join(operation.getDescription(), "No API key: " + access.openBecause() + "."));
            } else if (access != null) {
                List<String> roles = Arrays.stream(access.roles()).map(Role::id).toList();
                operation.addExtension("x-orderhub-roles", roles);
                operation.setDescription(join(operation.getDescription(), "Role: " + String.join(" or ", roles)
                        + " (admin may do everything)."));
            }
            errors(operation, handler, access != null && access.openBecause() != null);
            return operation;
        };
    }

    /** The error statuses every operation of this kind can answer, each with the error schema. */
    private static void errors(Operation operation, HandlerMethod handler, boolean open) {
        boolean variables = Arrays.stream(handler.getMethodParameters())
                .anyMatch(p -> p.hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class));
        boolean changes = changes(handler);
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        Map<String, String> statuses = new java.util.LinkedHashMap<>();
        statuses.put("400", "invalid input: a field, parameter, cursor or header named in detail");
        statuses.put("401", open ? "the signature is missing, forged or outside its time window (invalid_signature)"
                : "no API key, or one that is unknown, rotated or revoked");
        if (!open) {
            statuses.put("403", "the key lacks the role (or, for a channel's endpoint, the channel)");
        }
        if (variables) {
            statuses.put("404", "no such resource (the id in the path)");
        }
        if (changes) {
            statuses.put("409", "the resource's state does not allow it");
            statuses.put("413", "the body is larger than the limit");
            statuses.put("415", "the body is not of the accepted content type");
        }
        statuses.put("503", "the database or the broker did not answer; retry later");
        statuses.forEach((status, description) -> {
            if (!responses.containsKey(status)) {
                responses.addApiResponse(status, error(description));
            }
        });
        operation.setResponses(responses);
    }

    private static boolean changes(HandlerMethod handler) {
        org.springframework.web.bind.annotation.RequestMapping mapping = org.springframework.core.annotation.AnnotatedElementUtils
                .findMergedAnnotation(handler.getMethod(), org.springframework.web.bind.annotation.RequestMapping.class);
        return mapping != null && Arrays.stream(mapping.method())
                .anyMatch(m -> m == RequestMethod.POST || m == RequestMethod.PUT || m == RequestMethod.PATCH || m == RequestMethod.DELETE);
    }

    private static ApiResponse error(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/json",
                new MediaType().schema(new io.swagger.v3.oas.models.media.Schema<Object>().$ref(ERROR_REF))));
    }

    /** {@code OrderApi.list} is {@code orderList}: stable, and readable in generated clients (springdoc's would be list_3). */
    static String operationId(HandlerMethod handler) {
        String type = handler.getBeanType().getSimpleName().replaceFirst("Api$", "");
        String method = handler.getMethod().getName();
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + Character.toUpperCase(method.charAt(0)) + method.substring(1);
    }

    private static String join(String first, String second) {
        return first == null || first.isBlank() ? second : first + "\n\n" + second;
    }
}
