# mod_sslx against mod_ssl with client certificates.  Two vhosts of the
# same server ask for a client certificate in the handshake (SSLXVerifyClient
# optional vs SSLVerifyClient optional, the same client CA, SSLVerifyDepth
# 2), and two more with optional_no_ca.  The same curl, with the same
# client certificate, protocol and cipher suite, fetches the CGI
# environment from both: every SSL_CLIENT_* variable (and every other SSL_*
# one) mod_ssl sets must be set by mod_sslx with the identical value, and
# mod_sslx must set nothing mod_ssl does not -- except the variables in
# %meant_to_differ and %only_sslx.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use MIME::Base64 ();
use SSLXTest;

my @protocols = (
    ['TLS 1.3', '--tlsv1.3', '--tls13-ciphers', 'TLS_AES_128_GCM_SHA256'],
    ['TLS 1.2', '--tlsv1.2', '--tls-max', '1.2',
     '--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
);
# [pair of vhosts, client certificate, what it is]
my @certs = (
    ['cc_diff', 'alice', 'ECDSA certificate with e-mail SANs and OU, ST'],
    ['cc_diff', 'bob', 'RSA certificate'],
    ['cc_diff', 'deep', 'certificate below an intermediate CA, chain sent'],
    ['cc_diff', 'none', 'no certificate'],
    ['cc_diff_noca', 'alice', 'optional_no_ca, trusted certificate'],
    ['cc_diff_noca', 'stranger', 'optional_no_ca, unknown issuer'],
    ['cc_diff_noca', 'selfie', 'optional_no_ca, self-signed'],
);

# Variables whose values are meant to differ, each with the reason and
# what both values must look like instead.
my %meant_to_differ = meant_to_differ();

# Variables only mod_sslx has (+ExportBase64CertData, which mod_ssl does
# not know): each must be the base64 DER of the PEM variable named.
my %only_sslx = (
    SSL_CLIENT_B64CERT => 'SSL_CLIENT_CERT',
    SSL_SERVER_B64CERT => 'SSL_SERVER_CERT',
    map { ("SSL_CLIENT_B64CERT_CHAIN_$_" => "SSL_CLIENT_CERT_CHAIN_$_") } 0 .. 9,
);

plan tests => 4 * @protocols * @certs + 4, need_cgi,
    need { 'mod_ssl is not installed' => have_modssl() };

# Two name => value maps: the list of complaints.
sub compare { compare_with_modssl(@_, \%meant_to_differ, \%only_sslx) }

sub fetch {
    my($vhost, $cert, $path, @args) = @_;
    return curl_https(port => port($vhost), path => $path,
                      args => [client_cert_args(curl => $cert), @args]);
}

# ---- the CGI environment ----------------------------------------------------
for my $p (@protocols) {
    my($pname, @pargs) = @$p;
    for my $c (@certs) {
        my($pair, $cert, $what) = @$c;
        my $name = "$pname, $what";
        my $x = fetch("${pair}_sslx", $cert, '/cc/b64/env.cgi', @pargs);
        my $m = fetch("${pair}_modssl", $cert, '/cc/b64/env.cgi', @pargs);
        is($m->{code}, 200, "$name: mod_ssl answers") or diag($m->{err});
        is($x->{code}, 200, "$name: mod_sslx answers") or diag($x->{err});
        my($xv, $mv) = (ssl_vars_of($x->{env}), ssl_vars_of($m->{env}));
        my $expect_cert = $cert ne 'none';
        ok(!$expect_cert || defined $mv->{SSL_CLIENT_CERT},
           "$name: mod_ssl exported the client certificate")
            or diag(join ' ', sort keys %$mv);
        my @bad = compare($xv, $mv);
        is(scalar(@bad), 0, "$name: every SSL_CLIENT_* (and SSL_*) variable as mod_ssl has it")
            or diag("SSL_CLIENT_VERIFY: mod_sslx '" . ($xv->{SSL_CLIENT_VERIFY} // 'unset')
                    . "', mod_ssl '" . ($mv->{SSL_CLIENT_VERIFY} // 'unset') . "'\n"
                    . join "\n", @bad);
    }
}

# ---- lookups through mod_headers (including lookup-only variables) ---------
my $x = fetch('cc_diff_sslx', 'alice', '/cc/lookup/ok.txt');
my $m = fetch('cc_diff_modssl', 'alice', '/cc/lookup/ok.txt');
is($x->{code}, 200, 'lookups answered');
my @bad = compare(header_lookups($x->{headers}), header_lookups($m->{headers}));
is(scalar(@bad), 0, 'every %{SSL_CLIENT_*}s lookup as mod_ssl has it')
    or diag(join "\n", @bad);

# ---- the base64 form exists only with +ExportBase64CertData ----------------
$x = fetch('cc_diff_sslx', 'alice', '/cc/env/env.cgi');
is($x->{code}, 200, 'without +ExportBase64CertData: the request succeeds')
    or diag($x->{err});
my $env = $x->{env} || {};
ok(defined $env->{SSL_CLIENT_CERT} && !grep({ /B64CERT/ } keys %$env),
   'without +ExportBase64CertData: SSL_CLIENT_CERT, but no SSL_*_B64CERT variables')
    or diag(join ' ', grep { /CERT/ } sort keys %$env);
