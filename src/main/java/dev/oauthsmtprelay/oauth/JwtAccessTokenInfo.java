package dev.oauthsmtprelay.oauth;

import java.text.ParseException;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;

/**
 * What a JWT access token says about itself (Microsoft issues JWTs; Google's tokens are opaque).
 * Read without verifying: it is for showing an administrator what was granted.
 */
public record JwtAccessTokenInfo(List<String> audience, List<String> scopes, List<String> roles, String appId,
                                 String subject) {

    public static Optional<JwtAccessTokenInfo> of(AccessToken token) {
        try {
            JWTClaimsSet claims = JWTParser.parse(token.value()).getJWTClaimsSet();
            String scp = claims.getStringClaim("scp");
            List<String> roles = claims.getStringListClaim("roles");
            String appId = Optional.ofNullable(claims.getStringClaim("appid"))
                    .orElse(claims.getStringClaim("azp"));
            return Optional.of(new JwtAccessTokenInfo(claims.getAudience(),
                    scp == null ? List.of() : List.of(scp.split(" ")),
                    roles == null ? List.of() : roles, appId, claims.getSubject()));
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
