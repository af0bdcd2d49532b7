//! `env`: prints what the guest can see of its process environment, for tests of what the
//! host passes in:
//!
//! - every environment variable as `KEY=VALUE`, sorted by key,
//! - `args: ` and the arguments after the program name, joined by spaces,
//! - `cwd: ` and the current directory, or `cwd: err KIND: MESSAGE`.

use std::env;

use cordon_adversarial_guests::adopt_initial_cwd;

fn main() {
    adopt_initial_cwd();
    let mut variables: Vec<(String, String)> = env::vars_os()
        .map(|(key, value)| (key.to_string_lossy().into_owned(), value.to_string_lossy().into_owned()))
        .collect();
    variables.sort();
    for (key, value) in &variables {
        println!("{key}={value}");
    }

    let arguments: Vec<String> = env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    println!("args: {}", arguments.join(" "));

    match env::current_dir() {
        Ok(directory) => println!("cwd: {}", directory.display()),
        Err(err) => println!("cwd: err {:?}: {err}", err.kind()),
    }
}
