# Client certificates asked for in the handshake (SSLXVerifyClient at the
# vhost): every test certificate against require, optional and
# optional_no_ca.  A certificate the vhost cannot accept fails the
# handshake with the alert OpenSSL would send for the same reason, and an
# INFO line names the reason and the client's subject; an accepted one
# shows in SSL_CLIENT_VERIFY and the SSL_CLIENT_* variables.  Also
# SSLXVerifyDepth, SSLXCACertificatePath, SSLXCARevocationFile/Path with
# SSLXCARevocationCheck chain|leaf [no_crl_for_cert_ok], and
# SSLXCADNRequestFile.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

# The test certificates (t/bin/gen-certs) and what a vhost that trusts
# the client CA does with them: [alert, reason in the log].
my @certs = qw(none alice mallory old server stranger selfie);
my %rejected = (
    mallory  => [44, 'certificate revoked'],
    old      => [45, 'certificate has expired'],
    server   => [43, 'unsupported certificate purpose'],
    stranger => [48, 'unable to get local issuer certificate'],
    selfie   => [48, 'self-signed certificate'],
);
my %alert_name = (40 => 'handshake_failure', 42 => 'bad_certificate',
                  43 => 'unsupported_certificate', 44 => 'certificate_revoked',
                  45 => 'certificate_expired', 48 => 'unknown_ca',
                  116 => 'certificate_required');

# vhost => { certificate => SSL_CLIENT_VERIFY, or [alert, reason] }
my %expect = (
    cc_require => {
        none  => [116, undef],
        alice => 'SUCCESS',
        %rejected,
    },
    cc_optional => {
        none  => 'NONE',
        alice => 'SUCCESS',
        %rejected,
    },
    cc_no_ca => {
        none     => 'NONE',
        alice    => 'SUCCESS',
        %rejected,
        stranger => qr/^(?:GENEROUS|FAILED:.+)$/,
        selfie   => qr/^(?:GENEROUS|FAILED:.+)$/,
    },
);
# optional_no_ca lets an unknown issuer in without verifying it; what
# SSL_CLIENT_VERIFY says then (GENEROUS, or OpenSSL's complaint) is
# compared with mod_ssl's value in 93_client_vars_differential.t.
my @vhosts = qw(cc_require cc_optional cc_no_ca);

plan tests => 2 * @vhosts * @certs + 4 + 20 + 6 + 5 + 4 + 1,
    need_cgi, need { 'gnutls-cli is needed' => have_cmd('gnutls-cli'),
                     'openssl is needed'    => have_cmd('openssl') };

my $log0 = log_offset();
my $req = "GET /cc/env/env.cgi HTTP/1.0\r\nHost: localhost\r\n\r\n";

sub subject { cert_field(pki("client-$_[0].crt"), 'subject') }

# One connection with gnutls-cli presenting $cert; returns its result with
# {env} (the CGI environment) and {log_offset} (the error log before it).
sub connect_with {
    my($vhost, $cert, @args) = @_;
    my $off = log_offset();
    my $r = gnutls_cli(port => port($vhost), sni => 'localhost',
                       request => $req,
                       args => [client_cert_args('gnutls-cli', $cert), @args]);
    $r->{env} = SSLXTest::parse_env(($r->{response} || {})->{body});
    $r->{log_offset} = $off;
    return $r;
}

sub accepted {
    my($r, $verify, $what) = @_;
    is(($r->{response} || {})->{code}, 200, "$what: 200")
        or diag($r->{out}, $r->{err});
    if (ref $verify) {
        like($r->{env}->{SSL_CLIENT_VERIFY} // '', $verify,
             "$what: accepted without verification: GENEROUS or FAILED:reason");
    }
    else {
        is($r->{env}->{SSL_CLIENT_VERIFY}, $verify,
           "$what: SSL_CLIENT_VERIFY=$verify");
    }
}

sub rejected {
    my($r, $alert, $reason, $cert, $what) = @_;
    my $got = received_alert($r);
    ok(defined $got && $got == $alert && !$r->{response},
       "$what: handshake fails with alert $alert ($alert_name{$alert})")
        or diag('alert ' . ($got // 'none') . "\n$r->{out}$r->{err}");
    my $re = defined $reason
        ? qr/\[sslx:info\].*SSLX01702: client certificate rejected: \Q$reason\E \(subject: \Q${\ subject($cert)}\E\)/
        : qr/\[sslx:info\].*SSLX01703: client sent no certificate, but one is required/;
    ok(wait_for_log($r->{log_offset}, $re, 5),
       "$what: INFO line " . (defined $reason ? "'$reason' with the subject"
                                              : 'about the missing certificate'))
        or diag(log_since($r->{log_offset}));
}

# ---- the matrix, TLS 1.3 ---------------------------------------------------
for my $vhost (@vhosts) {
    (my $mode = $vhost) =~ s/^cc_//;
    for my $cert (@certs) {
        my $e = $expect{$vhost}->{$cert};
        my $what = "$mode, " . ($cert eq 'none' ? 'no certificate' : "certificate $cert");
        my $r = connect_with($vhost, $cert);
        if (ref $e eq 'ARRAY') {
            rejected($r, @$e, $cert, $what);
        }
        else {
            accepted($r, $e, $what);
        }
    }
}

# ---- TLS 1.2 ---------------------------------------------------------------
# Without TLS 1.3's certificate_required, a missing certificate is a
# handshake_failure (as OpenSSL sends it).
my $tls12 = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';
my $r = connect_with('cc_require', 'none', '--priority', $tls12);
rejected($r, 40, undef, 'none', 'TLS 1.2, require, no certificate');
$r = connect_with('cc_require', 'mallory', '--priority', $tls12);
rejected($r, 44, 'certificate revoked', 'mallory', 'TLS 1.2, require, revoked');

# ---- what the application sees ----------------------------------------------
my $alice = pki('client-alice.crt');
my $c = curl_https(port => port('cc_require'), path => '/cc/env/env.cgi',
                   args => [client_cert_args(curl => 'alice')]);
my $env = $c->{env} || {};
is($c->{code}, 200, 'curl with a good certificate: 200') or diag($c->{err});
is($env->{SSL_CLIENT_VERIFY}, 'SUCCESS', 'SSL_CLIENT_VERIFY=SUCCESS');
is($env->{SSL_CLIENT_S_DN}, subject('alice'), 'SSL_CLIENT_S_DN (RFC 2253)');
is($env->{SSL_CLIENT_S_DN_CN}, 'alice', 'SSL_CLIENT_S_DN_CN');
is($env->{SSL_CLIENT_S_DN_O}, 'Example Org', 'SSL_CLIENT_S_DN_O');
is($env->{SSL_CLIENT_S_DN_OU}, 'Staff', 'SSL_CLIENT_S_DN_OU');
is($env->{SSL_CLIENT_S_DN_ST}, 'Berlin', 'SSL_CLIENT_S_DN_ST');
is($env->{SSL_CLIENT_I_DN}, cert_field($alice, 'issuer'), 'SSL_CLIENT_I_DN');
is($env->{SSL_CLIENT_I_DN_CN}, 'mod_sslx Client CA', 'SSL_CLIENT_I_DN_CN');
is($env->{SSL_CLIENT_M_SERIAL}, cert_field($alice, 'serial'), 'SSL_CLIENT_M_SERIAL');
is($env->{SSL_CLIENT_M_VERSION}, 3, 'SSL_CLIENT_M_VERSION');
is($env->{SSL_CLIENT_V_START}, cert_field($alice, 'startdate'), 'SSL_CLIENT_V_START');
is($env->{SSL_CLIENT_V_END}, cert_field($alice, 'enddate'), 'SSL_CLIENT_V_END');
is($env->{SSL_CLIENT_SAN_Email_0}, 'alice@example.org', 'SSL_CLIENT_SAN_Email_0');
is($env->{SSL_CLIENT_SAN_Email_1}, 'a.liddell@example.org', 'SSL_CLIENT_SAN_Email_1');
is($env->{SSL_CLIENT_A_KEY}, 'id-ecPublicKey', 'SSL_CLIENT_A_KEY (ECDSA)');
is($env->{SSL_CLIENT_CERT}, file_pem($alice),
   'SSL_CLIENT_CERT is the certificate the client sent (+ExportCertData)');
ok(!exists $env->{SSL_CLIENT_CERT_CHAIN_0},
   'no SSL_CLIENT_CERT_CHAIN_0 when the client sent no chain');
$c = curl_https(port => port('cc_require'), path => '/cc/env/env.cgi',
                args => [client_cert_args(curl => 'bob')]);
is(($c->{env} || {})->{SSL_CLIENT_A_KEY}, 'rsaEncryption',
   'an RSA client certificate: SSL_CLIENT_A_KEY=rsaEncryption');

$c = curl_https(port => port('cc_require'), path => '/cc/env/env.cgi');
ok($c->{rc} != 0 && $c->{code} eq '000' && $c->{err} =~ /certificate required/i,
   'curl without a certificate on a require vhost: "certificate required"')
    or diag("rc $c->{rc}, code $c->{code}: $c->{err}");

# ---- SSLXVerifyDepth ----------------------------------------------------------
# client-deep is issued by an intermediate CA, which the client sends along.
$r = connect_with('cc_depth1', 'deep');
ok(received_alert($r) && !$r->{response},
   'depth 1 (default): a certificate below an intermediate CA fails the handshake')
    or diag($r->{out}, $r->{err});
ok(wait_for_log($r->{log_offset},
                qr/SSLX01702: client certificate rejected: certificate chain too long \(subject: \Q${\ subject('deep')}\E\)/, 5),
   '... logged as "certificate chain too long"') or diag(log_since($r->{log_offset}));
$r = connect_with('cc_depth2', 'deep');
accepted($r, 'SUCCESS', 'SSLXVerifyDepth 2, certificate below an intermediate CA');
is($r->{env}->{SSL_CLIENT_CERT_CHAIN_0}, file_pem(pki('client-sub-ca.crt')),
   '... SSL_CLIENT_CERT_CHAIN_0 is the intermediate CA the client sent');
is($r->{env}->{SSL_CLIENT_I_DN_CN}, 'mod_sslx Client Sub CA',
   '... SSL_CLIENT_I_DN_CN');

# ---- revocation checks -----------------------------------------------------------
# Two trusted CAs, a CRL for the client CA only: "chain" wants a CRL for
# every issuer, "chain no_crl_for_cert_ok" does not.
$r = connect_with('cc_crl_strict', 'stranger');
rejected($r, 48, 'unable to get certificate CRL', 'stranger',
         'SSLXCARevocationCheck chain, issuer without a CRL');
$r = connect_with('cc_crl_strict', 'alice');
accepted($r, 'SUCCESS', 'SSLXCARevocationCheck chain, issuer with a CRL');
$r = connect_with('cc_crl_ok', 'stranger');
is(($r->{response} || {})->{code} . ' ' . ($r->{env}->{SSL_CLIENT_VERIFY} // ''),
   '200 SUCCESS', 'SSLXCARevocationCheck chain no_crl_for_cert_ok: accepted')
    or diag($r->{out}, $r->{err});

# ---- SSLXCADNRequestFile, and a CRL without SSLXCARevocationCheck -------------
my $get = "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n";
my $s = s_client(port => port('cc_dnreq'), sni => 'localhost', request => $get);
my($names) = $s->{out} =~ /Acceptable client certificate CA names\n(.*?)\n(?:Requested|Client Certificate|Shared|---)/s;
is($names // '', 'C = DE, O = mod_sslx Test, CN = Foreign CA',
   'SSLXCADNRequestFile: the certificate request names only its CAs')
    or diag($s->{out});
$s = s_client(port => port('cc_optional'), sni => 'localhost', request => $get);
($names) = $s->{out} =~ /Acceptable client certificate CA names\n(.*?)\n(?:Requested|Client Certificate|Shared|---)/s;
is($names // '', 'C = DE, O = mod_sslx Test, CN = mod_sslx Client CA',
   'without it: the CAs of SSLXCACertificatePath')
    or diag($s->{out});
$r = connect_with('cc_dnreq', 'mallory');
accepted($r, 'SUCCESS', 'SSLXCARevocationFile without SSLXCARevocationCheck: '
                        . 'the CRL is not consulted');

# ---- client mistakes are not server problems -------------------------------
my @bad = sslx_log_problems(log_since($log0));
is(scalar(@bad), 0, 'rejected certificates log nothing at warn level or worse')
    or diag(join "\n", @bad);
