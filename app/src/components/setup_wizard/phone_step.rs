use leptos::html::Input;
use leptos::prelude::*;

use crate::components::{CodeInput, FormError, ResendCode, refocus_after_error};
use crate::error::{AppError, in_words};
use crate::functions::two_factor::{BeginSmsSetup, ConfirmSmsSetup, SmsStatusView};

/// "Verify Phone Number", the SMS step of the wizard: the mobile number and "Send
/// code", then the code from the text message and "Verify".
#[component]
pub fn PhoneStep(confirm: ServerAction<ConfirmSmsSetup>, on_cancel: Callback<()>) -> impl IntoView {
    let send = ServerAction::<BeginSmsSetup>::new();
    let phone = RwSignal::new(String::new());
    // The last code that went out; a refused resend keeps it on screen.
    let sent = RwSignal::new(None::<SmsStatusView>);
    let wait = RwSignal::new(0_i64);
    let code_input = NodeRef::<Input>::new();

    Effect::new(move |_| match send.value().get() {
        Some(Ok(view)) => {
            wait.set(view.resend_in_secs);
            sent.set(Some(view));
        }
        Some(Err(AppError::ResendTooSoon { retry_after_secs })) => wait.set(retry_after_secs),
        _ => {}
    });
    Effect::new(move |_| {
        if let (Some(_), Some(input)) = (sent.get(), code_input.get()) {
            let _ = input.focus();
        }
    });
    refocus_after_error(confirm, code_input);
    let send_code = move || {
        send.dispatch(BeginSmsSetup { phone: phone.get_untracked() });
    };
    let cancel = move |_| on_cancel.run(());

    let number_form = move || {
        view! {
            <form on:submit=move |event| {
                event.prevent_default();
                send_code();
            }>
                <label for="sms-phone">"Mobile number"</label>
                <input
                    id="sms-phone"
                    type="tel"
                    name="phone"
                    autocomplete="tel"
                    placeholder="+60 12 345 6789"
                    aria-describedby="sms-phone-help"
                    required
                    bind:value=phone
                />
                <p id="sms-phone-help" class="hint">"International format: a + and your country code, then your number."</p>
                <FormError action=send/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=send.pending()>"Send code"</button>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </p>
            </form>
        }
    };
    let code_form = move |sent_to: SmsStatusView| {
        view! {
            <p role="status">
                "We sent a six-digit code by SMS to " <strong class="masked-phone">{sent_to.masked_phone}</strong>
                {sent_to.valid_for_secs.map(|secs| format!(". It expires in {}.", in_words(secs)))}
            </p>
            <ActionForm action=confirm>
                <CodeInput id="sms-code" node_ref=code_input/>
                <p class="resend">
                    "Didn't get it? "
                    <ResendCode wait_secs=wait pending=send.pending() on_resend=Callback::new(move |()| send_code())/>
                    " or "
                    <button type="button" class="link" on:click=move |_| sent.set(None)>"change the number"</button>
                </p>
                <FormError action=confirm/>
                <FormError action=send/>
                <p class="actions">
                    <button type="submit" class="primary" disabled=confirm.pending()>"Verify"</button>
                    <button type="button" on:click=cancel>"Cancel"</button>
                </p>
            </ActionForm>
        }
    };

    move || match sent.get() {
        Some(sent_to) => code_form(sent_to).into_any(),
        None => number_form().into_any(),
    }
}
